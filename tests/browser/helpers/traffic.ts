/** Inference traffic sent from the test (not the browser), so the console has something to show. */
import { expect } from 'vitest';
import { postJson } from '../../helpers/test-server.js';
import type { ConsoleServer } from './console-server.js';

export const SENTIMENT_TEXTS = ['I love this', 'what a wonderful day', 'this is terrible', 'good enough'];

export async function sendSentimentRequests(
  server: ConsoleServer,
  count: number,
  headers: Record<string, string> = server.auth,
): Promise<{ version: string; label: string }[]> {
  const answers: { version: string; label: string }[] = [];
  for (let i = 0; i < count; i++) {
    const response = await postJson(
      `${server.url}/v2/models/sentiment/infer`,
      { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [SENTIMENT_TEXTS[i % SENTIMENT_TEXTS.length]] }] },
      headers,
    );
    expect(response.status, response.text).toBe(200);
    const label = response.json.outputs.find((o: any) => o.name === 'label')?.data?.[0] ?? '';
    answers.push({ version: String(response.json.model_version), label: String(label) });
  }
  return answers;
}

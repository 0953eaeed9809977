/**
 * The console's pure logic, run in Node: the tensor editor's parsing (every bad input gets a message that says
 * what to fix), per-version statistics for the traffic editor, and telling a load failure from a version that
 * merely does not serve (with the reasons the real registry gives).
 */
import { describe, expect, it } from 'vitest';
import { isLoadFailure, groupByModel, type IndexEntry } from '../packages/core/console/src/models.js';
import {
  parseData,
  parseShape,
  zeroData,
  initialShape,
  MAX_EDITOR_ELEMENTS,
} from '../packages/core/console/src/playground/tensor-values.js';
import { summarizeVersions, secondsOf, type StatsSeries } from '../packages/core/console/src/stats.js';
import { loadFailureOf } from '../packages/core/src/models/load-failure.js';
import { publicReason } from '../packages/core/src/models/version-slot.js';

describe('tensor editor values', () => {
  it('parses shapes, with or without brackets, and says what is wrong', () => {
    expect(parseShape('1, 3, 48, 192')).toEqual([1, 3, 48, 192]);
    expect(parseShape('[2 128]')).toEqual([2, 128]);
    expect(parseShape('')).toEqual([]);
    expect(parseShape('1, -1')).toMatch(/whole numbers ≥ 0/);
    expect(parseShape('1, x')).toMatch(/got "1, x"/);
  });

  it('pre-fills free dimensions with 1 and refuses to pre-fill huge tensors', () => {
    expect(initialShape({ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, 4] })).toEqual([1, 3, 1, 4]);
    expect(zeroData('BYTES', [2])).toBe('["",""]');
    expect(zeroData('BOOL', [1])).toBe('[false]');
    expect(zeroData('FP32', [])).toBe('[0]');
    expect(zeroData('FP32', [1, MAX_EDITOR_ELEMENTS + 1])).toBeNull();
  });

  it('checks data against the shape and the datatype', () => {
    expect(parseData('x', 'FP32', [2, 2], '[[1, 2], [3, 4.5]]')).toEqual([1, 2, 3, 4.5]);
    expect(parseData('sr', 'INT64', [], '16000')).toEqual([16000]);
    expect(parseData('x', 'FP32', [3], '[1, 2]')).toBe('Input x: shape [3] needs 3 values, the data has 2.');
    expect(parseData('x', 'INT64', [1], '[1.5]')).toMatch(/value 0 must be a whole number \(INT64\)/);
    expect(parseData('t', 'BYTES', [1], '[1]')).toMatch(/must be a string/);
    expect(parseData('b', 'BOOL', [1], '[1]')).toMatch(/true or false/);
    expect(parseData('x', 'FP32', [1], '[1,')).toMatch(/^Input x: the data is not valid JSON/);
  });
});

describe('per-version statistics', () => {
  const stats: StatsSeries = {
    intervalSeconds: 5,
    series: [
      {
        time: 0,
        requests: 10,
        errors: 0,
        latencyP50Ms: 5,
        latencyP95Ms: 9,
        queueMsAvg: 1,
        computeMsAvg: 4,
        batchSizeAvg: 1,
        versions: { 'm/1': { requests: 10, errors: 0, latencyP95Ms: 9 } },
      },
      {
        time: 5000,
        requests: 0,
        errors: 0,
        latencyP50Ms: null,
        latencyP95Ms: null,
        queueMsAvg: null,
        computeMsAvg: null,
        batchSizeAvg: null,
      },
      {
        time: '1970-01-01T00:00:10.000Z',
        requests: 40,
        errors: 4,
        latencyP50Ms: 6,
        latencyP95Ms: 20,
        queueMsAvg: 1,
        computeMsAvg: 5,
        batchSizeAvg: 2,
        versions: { 'm/1': { requests: 30, errors: 0, latencyP95Ms: 10 }, 'm/2': { requests: 10, errors: 4, latencyP95Ms: 50 } },
      },
    ],
  };

  it('sums the window: rate per second, error share, request-weighted p95', () => {
    const summary = summarizeVersions(stats, 15);
    expect(summary.get('m/1')).toEqual({ requests: 40, requestsPerSecond: 40 / 15, errorRate: 0, latencyP95Ms: (10 * 9 + 30 * 10) / 40 });
    expect(summary.get('m/2')).toEqual({ requests: 10, requestsPerSecond: 10 / 15, errorRate: 0.4, latencyP95Ms: 50 });
  });

  it('looks only at the last seconds asked for', () => {
    const summary = summarizeVersions(stats, 5);
    expect(summary.get('m/1')?.requests).toBe(30);
    expect(summarizeVersions({ intervalSeconds: 5, series: [] }, 60).size).toBe(0);
  });

  it('reads times as epoch milliseconds or ISO 8601', () => {
    expect(secondsOf(10_000)).toBe(10);
    expect(secondsOf('1970-01-01T00:00:10.000Z')).toBe(10);
  });
});

describe('model index', () => {
  // The reasons the real registry writes into the index.
  const failed = publicReason({ kind: 'load-failed', failure: loadFailureOf('session', new Error('protobuf parsing failed')) });
  const notSelected = publicReason({ kind: 'not-selected' });

  it('tells a load failure (the registry says "load failed") from a version that merely does not serve', () => {
    expect(isLoadFailure({ name: 'm', version: '2', state: 'UNAVAILABLE', reason: failed })).toBe(true);
    expect(isLoadFailure({ name: 'm', version: '1', state: 'UNAVAILABLE', reason: notSelected })).toBe(false);
    expect(isLoadFailure({ name: 'm', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' })).toBe(false);
    expect(isLoadFailure({ name: 'm', version: '1', state: 'READY' })).toBe(false);
  });

  it('groups versions per model, newest first, models by name', () => {
    const entries: IndexEntry[] = [
      { name: 'b', version: '1', state: 'READY' },
      { name: 'a', version: '2', state: 'READY' },
      { name: 'a', version: '10', state: 'LOADING' },
    ];
    expect(groupByModel(entries).map((g) => [g.name, g.versions.map((v) => v.version)])).toEqual([
      ['a', ['10', '2']],
      ['b', ['1']],
    ]);
  });
});

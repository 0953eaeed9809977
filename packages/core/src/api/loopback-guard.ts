/** Until API keys guard them, management routes answer only clients on this machine. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors.js';

export function isLoopbackAddress(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

export async function requireLoopback(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!isLoopbackAddress(request.ip)) {
    throw new SluiceError('SLUICE_ERR_FORBIDDEN', 'management routes answer loopback clients only');
  }
}

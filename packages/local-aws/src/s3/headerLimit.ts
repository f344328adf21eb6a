import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { toXml } from '../common/xml';

/** S3's limit on a request's header section (its error gives it as MaxSizeAllowed). */
export const MAX_HEADER_BYTES = 8192;

/**
 * A request whose header section is over {@link MAX_HEADER_BYTES} (the server is created with
 * that `maxHeaderSize`) gets S3's `400 RequestHeaderSectionTooLarge` XML, not the empty 431
 * Node's HTTP server sends; other malformed requests get Node's own answer, as before.
 */
export function answerOversizedHeaders(server: Server): void {
  // a connection with a response under way must not have an error written into it (keep-alive)
  const busy = new WeakMap<Duplex, number>();
  const answered = new WeakSet<Duplex>();
  server.on('request', (request, response) => {
    const socket = request.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => busy.set(socket, (busy.get(socket) ?? 1) - 1));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (answered.has(socket)) return; // the parser reports every later chunk of a failed request again
    answered.add(socket);
    if (!socket.writable || (busy.get(socket) ?? 0) > 0) {
      socket.destroy();
      return;
    }
    if (error.code !== 'HPE_HEADER_OVERFLOW') {
      const status = error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
      setTimeout(() => socket.destroy(), 5_000).unref();
      return;
    }
    const body = toXml('Error', {
      Code: 'RequestHeaderSectionTooLarge',
      Message: 'Your request header section exceeds the maximum allowed size.',
      MaxSizeAllowed: MAX_HEADER_BYTES,
      RequestId: randomBytes(8).toString('hex').toUpperCase(),
    });
    // the rest of the request is read and dropped, so the client gets the answer, not a reset
    socket.removeAllListeners('data');
    socket.on('data', () => undefined);
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}

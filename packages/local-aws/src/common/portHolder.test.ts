import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { portHolder } from './portHolder';

describe('portHolder', () => {
  it('finds the process listening on a port, with its command line', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const holder = portHolder((server.address() as AddressInfo).port);
      expect(holder).toEqual({ pid: process.pid, command: expect.arrayContaining([expect.stringContaining('node')]) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('finds none on a port nobody listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(portHolder(port)).toBeUndefined();
  });
});

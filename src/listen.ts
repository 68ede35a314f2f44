import { serve, type ServerType } from '@hono/node-server';

/** Serve `fetch` over HTTP; resolves once the server listens, rejects when it cannot. */
export function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

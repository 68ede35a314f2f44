import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports the kernel hands out for outgoing connections and for bind(0). A port picked from this
// range and released can be taken by any client socket a moment later, which breaks a service
// restarted on its old port (an outage test). So test services live below it.
function ephemeralRange(): readonly [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // Not Linux: fall through to the common default.
  }
  return [32768, 60999];
}

const LOWEST = 20000;
const ATTEMPTS = 200;

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = address !== null && typeof address !== 'string' ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, picked at random below the kernel's
 * ephemeral range so that no outgoing connection takes it while its service is down. Another test
 * could still pick the same one before the caller binds; with about 10,000 candidates that race is
 * rare, and the kernel's own choice (port 0) is the fallback.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const span = ephemeralLow - LOWEST;
  if (span > 1000) {
    for (let i = 0; i < ATTEMPTS; i++) {
      const port = await tryListen(LOWEST + Math.floor(Math.random() * span));
      if (port !== undefined) return port;
    }
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('freePort: no TCP port available on 127.0.0.1');
  return port;
}

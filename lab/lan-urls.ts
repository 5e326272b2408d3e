// The URLs a trainee on the classroom LAN can open: every non-internal IPv4 address of this host.
import { networkInterfaces } from 'node:os';

export function lanUrls(host: string, port: number): string[] {
  const urls: string[] = [];
  if (host === '0.0.0.0' || host === '::') {
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) {
        if (a.family === 'IPv4' && !a.internal) urls.push(`http://${a.address}:${port}/`);
      }
    }
    urls.push(`http://localhost:${port}/`);
  } else {
    urls.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}/`);
  }
  return urls;
}

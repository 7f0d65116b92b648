import { Redis } from 'ioredis';

/** The bus/rate-limit backends every such test runs on: in-process always, Redis when REDIS_URL is set. */
export function testBackends(): { name: 'in-process' | 'redis'; connect(): Redis | undefined }[] {
  const list: { name: 'in-process' | 'redis'; connect(): Redis | undefined }[] = [
    { name: 'in-process', connect: () => undefined },
  ];
  const url = process.env.REDIS_URL;
  if (url) list.push({ name: 'redis', connect: () => new Redis(url, { maxRetriesPerRequest: 2 }) });
  return list;
}

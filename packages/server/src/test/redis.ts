import { Redis } from 'ioredis';
import { testRedisUrl } from './backends.ts';

/** The bus/rate-limit backends every such test runs on: in-process always, Redis when REDIS_URL is set (required in CI). */
export function testBackends(): { name: 'in-process' | 'redis'; connect(): Redis | undefined }[] {
  const list: { name: 'in-process' | 'redis'; connect(): Redis | undefined }[] = [
    { name: 'in-process', connect: () => undefined },
  ];
  const url = testRedisUrl();
  if (url) list.push({ name: 'redis', connect: () => new Redis(url, { maxRetriesPerRequest: 2 }) });
  return list;
}

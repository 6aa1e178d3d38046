// Queues the benchmark's jobs for the BullMQ peer in one Queue.addBulk (BullMQ's defaults: no retries, jobs kept),
// each job id the task id and its data the task JSON that enrollflow and the baseline get.
// Prints "added <count> at <epoch ms>", the time just before addBulk: PipelineBench's enqueue time for every job.
//
// Usage: node add.mjs redisUrl queueName idPrefix count
import { Queue } from 'bullmq';

const [redisUrl, queueName, prefix, countArg] = process.argv.slice(2);
if (!countArg) {
  console.error('usage: node add.mjs redisUrl queueName idPrefix count');
  process.exit(2);
}
const redisAddress = new URL(redisUrl);
const queue = new Queue(queueName, { connection: { host: redisAddress.hostname, port: Number(redisAddress.port) } });
const jobs = [];
for (let i = 0; i < Number.parseInt(countArg, 10); i++) {
  const taskId = `${prefix}${i}`;
  const data = { taskId, orderId: '1', courseUrl: `https://courses.example.com/course/${taskId}/`, email: 'buyer@example.com' };
  jobs.push({ name: 'enroll', data, opts: { jobId: taskId } });
}
await queue.waitUntilReady();
const at = Date.now();
await queue.addBulk(jobs);
console.log(`added ${jobs.length} at ${at}`);
await queue.close();

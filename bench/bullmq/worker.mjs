// The BullMQ peer of bench/run.sh (docs/performance.md#against-bullmq): per job exactly the work of enrollflow and of BaselineWorker — the
// enrollment POST over a keep-alive connection, the shared download command started without a shell, the task folder
// renamed into the delivery folder, one status write — in a BullMQ Worker with BullMQ's own defaults otherwise.
// A refused enrollment fails the job, as enrollflow fails the task (BullMQ's default: one attempt, no retry).
//
// Usage: node worker.mjs redisUrl enrollUrl command workDir deliveryDir concurrency queueName
// Ready when the key bench:bullmq:ready exists (PipelineBench waits for it); SIGTERM closes the worker.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { mkdir, rename } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const [redisUrl, enrollUrl, command, workDir, deliveryDir, concurrencyArg, queueName] = process.argv.slice(2);
if (!queueName) {
  console.error('usage: node worker.mjs redisUrl enrollUrl command workDir deliveryDir concurrency queueName');
  process.exit(2);
}
const concurrency = Number.parseInt(concurrencyArg, 10);
const redisAddress = new URL(redisUrl);
const connection = { host: redisAddress.hostname, port: Number(redisAddress.port) };
const enroll = new URL(enrollUrl);
// keep-alive as the JVM's HttpClient does; one socket per job in flight at most
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
// the status writes get their own connection, as an application would have next to its worker
const status = new Redis(connection);

await mkdir(workDir, { recursive: true });
await mkdir(deliveryDir, { recursive: true });

function post(body) {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: enroll.hostname, port: enroll.port, path: enroll.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

// the command and the folder as separate arguments: no shell ever sees a task field
function download(taskDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [taskDir], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

async function enrollJob(job) {
  const task = job.data;
  const answer = JSON.parse(await post(JSON.stringify({ urls: [task.courseUrl], email: task.email })));
  if (!answer?.results?.[0]?.success) {
    // thrown: BullMQ moves the job to failed, its terminal state here (no retries by default)
    throw new Error('enrollment refused');
  }
  const taskDir = path.join(workDir, task.taskId);
  await mkdir(taskDir, { recursive: true });
  const code = await download(taskDir);
  if (code !== 0) {
    throw new Error(`download exited with ${code}`);
  }
  await rename(taskDir, path.join(deliveryDir, task.taskId));
}

const worker = new Worker(queueName, enrollJob, { connection, concurrency });

// The one status write per job, after BullMQ has recorded the terminal state (moveToFinished): updatedAt is BullMQ's
// own finishedOn, so the latency PipelineBench reads includes BullMQ's completion step, as enrollflow's includes its own.
function writeStatus(job, outcome) {
  status.hset(`enrollflow:task:${job.id}`, 'status', outcome, 'updatedAt', new Date(job.finishedOn).toISOString())
    .catch((error) => console.error(`job=${job.id} status write failed: ${error.message}`));
}
worker.on('completed', (job) => writeStatus(job, 'completed'));
worker.on('failed', (job) => {
  if (job) {
    writeStatus(job, 'failed');
  }
});
// BullMQ reports connection trouble here; without a listener Node would end the process on the first one
worker.on('error', (error) => console.error(`worker error: ${error.message}`));

process.on('SIGTERM', async () => {
  await worker.close();
  await status.quit();
  process.exit(0);
});

await worker.waitUntilReady();
await status.set('bench:bullmq:ready', '1');
console.log(`bullmq worker ready: queue ${queueName}, concurrency ${concurrency}`);

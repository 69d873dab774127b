// The official TypeScript SDK creating a batch from a JSONL file (one {"custom_id","params"}
// object per line, blank lines skipped), as its README shows: the comparison point for
// `ambc create FILE.jsonl`. Prints the new batch's id.
//
// usage: node sdk_create.mjs FILE.jsonl [--beta]
// env: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, NODE_EXTRA_CA_CERTS (the mock's CA)
// Run from the folder that holds node_modules (ESM resolves packages from the script's own
// folder): the harnesses copy it there.
import fs from 'node:fs';
import readline from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';

const [file, flag] = process.argv.slice(2);
if (!file || (flag !== undefined && flag !== '--beta')) {
  process.stderr.write('usage: node sdk_create.mjs FILE.jsonl [--beta]\n');
  process.exit(2);
}
// Line by line, so the file's text is never held whole beside the parsed requests (the SDK
// needs them all as one array: its create takes `requests`, then serialises the body).
const requests = [];
const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() !== '') {
    requests.push(JSON.parse(line));
  }
}
const client = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY,
  baseURL: process.env.ANTHROPIC_BASE_URL,
});
// --beta: the beta resource, naming the batches beta. (1.14.0's beta resource posts to the GA
// path: no ?beta=true, and an anthropic-beta header only when `betas` is given.)
const batch = flag === '--beta'
  ? await client.beta.messages.batches.create({ requests, betas: ['message-batches-2024-09-24'] })
  : await client.messages.batches.create({ requests });
process.stdout.write(batch.id + '\n');

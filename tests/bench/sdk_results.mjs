// The official TypeScript SDK reading a batch's results, as its README shows
// (`for await (const result of await client.messages.batches.results(id))`): the oracle of
// tests/integration/test_results.py and the comparison point of tests/bench/bench_results.py.
//
// usage: node sdk_results.mjs BATCH_ID           each result as one JSON line (JSON.stringify)
//        node sdk_results.mjs BATCH_ID --count   only "records N text_bytes T" at the end: what
//                                                the bench measures (parse and walk every line)
// env: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, NODE_EXTRA_CA_CERTS (the mock's CA)
// Run from the folder that holds node_modules (ESM resolves packages from the script's own
// folder): the harnesses copy it there.
import Anthropic from '@anthropic-ai/sdk';

const [id, flag] = process.argv.slice(2);
if (!id || (flag !== undefined && flag !== '--count')) {
  process.stderr.write('usage: node sdk_results.mjs BATCH_ID [--count]\n');
  process.exit(2);
}
const client = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY,
  baseURL: process.env.ANTHROPIC_BASE_URL,
});
let records = 0;
let textBytes = 0;
for await (const result of await client.messages.batches.results(id)) {
  records++;
  if (flag === '--count') {
    for (const block of result.result.message?.content ?? []) {
      if (block.type === 'text') {
        textBytes += Buffer.byteLength(block.text, 'utf8');
      }
    }
  } else {
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}
if (flag === '--count') {
  process.stdout.write(`records ${records} text_bytes ${textBytes}\n`);
}

// The official TypeScript SDK listing every batch with auto-pagination (limit 1000),
// printing one id per line: the comparison point for `ambc list --all --limit 1000`.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY,
  baseURL: process.env.ANTHROPIC_BASE_URL,
});
const out = [];
for await (const batch of client.messages.batches.list({ limit: 1000 })) {
  out.push(batch.id);
}
process.stdout.write(out.join('\n') + '\n');

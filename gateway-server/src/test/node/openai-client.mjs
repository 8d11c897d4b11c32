// The official `openai` npm client pointed at the gateway, as an app would use it.
// Env: TOLLGATE_BASE_URL (…/v1), TOLLGATE_KEY, TOLLGATE_MODEL. Prints one JSON line of results.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.TOLLGATE_BASE_URL, apiKey: process.env.TOLLGATE_KEY, maxRetries: 0 });
const model = process.env.TOLLGATE_MODEL;
const out = {};

const plain = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hello" }] });
out.plainContent = plain.choices[0].message.content;
out.plainUsage = plain.usage;

const stream = await client.chat.completions.create({
  model, stream: true, stream_options: { include_usage: true },
  messages: [{ role: "user", content: "Count to three" }],
});
let text = "";
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  if (chunk.choices.length > 0) text += chunk.choices[0].delta?.content ?? "";
  if (chunk.usage) out.streamUsage = chunk.usage;
}
out.streamContent = text;
out.streamChunks = chunks;

try {
  await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] });
  out.errorStatus = 0;
} catch (e) {
  out.errorStatus = e.status;
  out.errorCode = e.code;
}

const models = await client.models.list();
out.models = models.data.map((m) => m.id);
console.log(JSON.stringify(out));

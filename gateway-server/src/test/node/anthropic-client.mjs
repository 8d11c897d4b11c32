// The official @anthropic-ai/sdk client pointed at the gateway's /v1/messages, as Claude Code would.
// Env: TOLLGATE_BASE_URL (no /v1), TOLLGATE_KEY, TOLLGATE_MODEL. Prints one JSON line of results.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: process.env.TOLLGATE_BASE_URL, apiKey: process.env.TOLLGATE_KEY, maxRetries: 0 });
const model = process.env.TOLLGATE_MODEL;
const out = {};

const msg = await client.messages.create({ model, max_tokens: 256, messages: [{ role: "user", content: "Say hello" }] });
out.plainType = msg.type;
out.plainText = msg.content.filter((b) => b.type === "text").map((b) => b.text).join("");
out.plainStop = msg.stop_reason;
out.plainUsage = msg.usage;

const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: "user", content: "Count to three" }] });
const events = [];
stream.on("streamEvent", (e) => events.push(e.type));
const final = await stream.finalMessage();
out.streamText = final.content.filter((b) => b.type === "text").map((b) => b.text).join("");
out.streamEvents = [...new Set(events)];
out.streamUsage = final.usage;

try {
  await client.messages.create({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
  out.errorStatus = 0;
} catch (e) {
  out.errorStatus = e.status;
  out.errorType = e.error?.error?.type;
}
console.log(JSON.stringify(out));

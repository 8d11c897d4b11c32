// The official @anthropic-ai/sdk with tools on the gateway's /v1/messages, served by an OpenAI-shaped
// upstream. Env: TOLLGATE_BASE_URL, TOLLGATE_KEY, TOLLGATE_MODEL, TOLLGATE_STREAM (1 = streamed).
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: process.env.TOLLGATE_BASE_URL, apiKey: process.env.TOLLGATE_KEY, maxRetries: 0 });
const params = {
  model: process.env.TOLLGATE_MODEL, max_tokens: 256,
  tools: [{ name: "weather", description: "Current weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
  messages: [{ role: "user", content: "Weather in Berlin and Paris?" }],
};
const message = process.env.TOLLGATE_STREAM === "1"
  ? await client.messages.stream(params).finalMessage()
  : await client.messages.create(params);
const tools = message.content.filter((b) => b.type === "tool_use");
console.log(JSON.stringify({ stop: message.stop_reason, tools: tools.map((t) => ({ id: t.id, name: t.name, input: t.input })) }));

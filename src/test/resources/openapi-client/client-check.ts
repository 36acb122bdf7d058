// Uses the client generated from the served OpenAPI document: submits an opt-out, follows it to the subject's
// consent, and prints what it saw as one JSON line. It compiles only if the document types what it uses.
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type SignalRequest = components["schemas"]["SignalRequest"];

const [baseUrl, apiKey, subjectId] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl, headers: { "X-API-Key": apiKey } });

const signal: SignalRequest = {
  signalId: randomUUID(),
  subjectId,
  kind: "OPT_OUT",
  purposes: ["advertising"],
  region: "US-CA",
  source: "API",
  method: "generated-client",
  occurredAt: new Date().toISOString(),
};
const submitted = await client.POST("/v1/signals", { body: signal });
if (submitted.response.status !== 202 || submitted.data === undefined) {
  throw new Error(`submit answered ${submitted.response.status}: ${JSON.stringify(submitted.error)}`);
}
const accepted: components["schemas"]["SignalAccepted"] = submitted.data;

const refused = await client.POST("/v1/signals", {
  body: { ...signal, signalId: randomUUID(), kind: "OPTOUT" as SignalRequest["kind"] },
});
const firstError = refused.error?.errors?.[0]?.field;

let advertisingAllowed: boolean | undefined;
for (let attempt = 0; attempt < 120 && advertisingAllowed !== false; attempt++) {
  const consent = await client.GET("/v1/subjects/{subjectId}/consent", { params: { path: { subjectId } } });
  advertisingAllowed = consent.data?.purposes?.find((p) => p.purpose === "advertising")?.allowed;
  if (advertisingAllowed !== false) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
let signalState: string | undefined;
let statusCode = 0;
for (let attempt = 0; attempt < 120 && signalState === undefined; attempt++) {
  const status = await client.GET("/v1/subjects/{subjectId}/signals/{signalId}", {
    params: { path: { subjectId, signalId: accepted.signalId } },
  });
  statusCode = status.response.status;
  signalState = status.data?.state;
  if (signalState === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
console.log(JSON.stringify({
  signalId: accepted.signalId,
  duplicate: accepted.duplicate,
  refusedStatus: refused.response.status,
  firstError,
  advertisingAllowed,
  signalState,
  statusCode,
}));

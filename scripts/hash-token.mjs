#!/usr/bin/env node
// Makes a new API token and prints the API_TOKENS entry for it. Only the hash goes into the
// secret; hand the token itself to its holder once.
//   node scripts/hash-token.mjs <actorId> <role>[,<role>...] [token]
import { createHash, randomBytes } from "node:crypto";

const [actorId, roles, given] = process.argv.slice(2);
if (!actorId || !roles) {
  console.error("usage: node scripts/hash-token.mjs <actorId> <role>[,<role>...] [token]");
  process.exit(2);
}
const token = given ?? `dsb_${randomBytes(24).toString("base64url")}`;
const entry = { actorId, roles: roles.split(","), tokenSha256: createHash("sha256").update(token).digest("hex") };
console.log(`token (give to ${actorId}, store nowhere else): ${token}`);
console.log(`API_TOKENS entry: ${JSON.stringify(entry)}`);

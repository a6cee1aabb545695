// API tokens the tests use. vitest.config.mts hashes them into the API_TOKENS binding, exactly
// as an operator configures production tokens.

export const TEST_ACTORS = {
  maker: { actorId: "maker-mira", roles: ["maker"], token: "test-token-maker-mira-0001" },
  maker2: { actorId: "maker-manu", roles: ["maker"], token: "test-token-maker-manu-0002" },
  checker: { actorId: "checker-chen", roles: ["checker"], token: "test-token-checker-chen-0003" },
  checker2: { actorId: "checker-carla", roles: ["checker"], token: "test-token-checker-carla-0004" },
  makerChecker: { actorId: "dual-dev", roles: ["maker", "checker"], token: "test-token-dual-dev-0005" },
  admin: { actorId: "admin-ada", roles: ["admin"], token: "test-token-admin-ada-0006" },
  auditor: { actorId: "auditor-abe", roles: ["auditor"], token: "test-token-auditor-abe-0007" },
  system: { actorId: "marketplace", roles: ["system"], token: "test-token-system-mkt-0008" },
  risk: { actorId: "risk-rhea", roles: ["risk"], token: "test-token-risk-rhea-0009" },
  risk2: { actorId: "risk-ravi", roles: ["risk"], token: "test-token-risk-ravi-0010" },
  /** One person holding every role: the four-eyes proof (test/integration/four-eyes.test.ts) shows it still cannot pay alone. */
  omni: { actorId: "omni-olga", roles: ["maker", "checker", "admin", "auditor", "system", "risk"], token: "test-token-omni-olga-0011" },
} as const;

export type TestActor = keyof typeof TEST_ACTORS;

import { describe, expect, it } from "vitest";
import { api } from "../support/api";

describe("service", () => {
  it("answers health without a token", async () => {
    const res = await api(null, "GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });
});

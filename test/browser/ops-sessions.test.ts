// Console sessions in Chromium: one person signed in on two browsers (two contexts, each with its
// own cookies) signs out everywhere from one, and the other's session is refused on its next page.

import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { TEST_ACTORS } from "../support/actors.ts";
import { expectNoSidewaysScroll, LAPTOP, useChromium } from "./support.ts";

const PHONE = { width: 390, height: 844 };
const newPage = useChromium();

/** risk-ravi: signing out everywhere ends every session of the actor, so an actor no other browser test uses. */
const ACTOR = TEST_ACTORS.risk2;

async function signIn(page: Page) {
  await page.goto(`${inject("baseUrl")}/ops/batches`);
  expect(new URL(page.url()).pathname).toBe("/ops/login");
  await page.getByLabel("Your API token").fill(ACTOR.token);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/ops/batches");
  expect((await page.locator("[data-testid=actor]").innerText()).trim()).toBe(ACTOR.actorId);
}

describe("console sessions in the browser", () => {
  it("signs out everywhere from one browser, and the other browser's session is refused", async () => {
    const laptop = await newPage();
    const phone = await newPage();
    await phone.setViewportSize(PHONE);
    await signIn(laptop);
    await signIn(phone);
    // The bar with both buttons still fits a phone.
    await expectNoSidewaysScroll(phone);

    await laptop.getByRole("button", { name: "Sign out everywhere" }).click();
    await laptop.waitForURL((url) => url.pathname === "/ops/login");
    await expect.poll(async () => (await laptop.locator("main").innerText()).includes("You are signed out on every browser.")).toBe(true);

    await phone.goto(`${inject("baseUrl")}/ops/exceptions`);
    expect(new URL(phone.url()).pathname).toBe("/ops/login");
    expect(new URL(phone.url()).searchParams.get("next")).toBe("/ops/exceptions");
    // Signing in again opens a new session there.
    await phone.setViewportSize(LAPTOP);
    await phone.getByLabel("Your API token").fill(ACTOR.token);
    await phone.getByRole("button", { name: "Sign in", exact: true }).click();
    await phone.waitForURL((url) => url.pathname === "/ops/exceptions");
  });
});

// Signing in to the ops console with a personal API token. The token is checked once and never
// kept: the session cookie holds only a session id.

import type { FC } from "hono/jsx";
import type { ConsoleSessionSettings } from "../../../config";
import { Layout, Notice } from "../../pages/layout";
import { Csrf } from "./parts";

export interface LoginPageProps {
  csrfToken: string;
  next: string;
  error?: string | undefined;
  info?: string | undefined;
  session: ConsoleSessionSettings;
}

/** "8 hours", "30 minutes", "90 seconds": the largest whole unit. */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const [n, unit] = seconds % 3600 === 0 ? [seconds / 3600, "hour"] : seconds % 60 === 0 ? [seconds / 60, "minute"] : [seconds, "second"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

export const LoginPage: FC<LoginPageProps> = ({ csrfToken, next, error, info, session }) => (
  <Layout title="Sign in to the ops console">
    <h1>Sign in to the ops console</h1>
    {error && (
      <Notice tone="bad" title="Not signed in">
        <p data-testid="login-error">{error}</p>
      </Notice>
    )}
    {info && !error && (
      <div class="notice ok" role="status">
        <p>{info}</p>
      </div>
    )}
    <form class="card" method="post" action="/ops/login">
      <Csrf token={csrfToken} />
      <input type="hidden" name="next" value={next} />
      <label for="token">Your API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required minlength={16} maxlength={512} class="full" />
      <p class="muted small">
        The token is checked once and not stored. You stay signed in on this browser for up to {duration(session.lifetimeMs)}, or until{" "}
        {duration(session.idleTimeoutMs)} without using the console. Service tokens (the system role) cannot sign in.
      </p>
      <button class="primary" type="submit">
        Sign in
      </button>
    </form>
  </Layout>
);

// How well the name a bank returned for an account (a penny drop) matches the names we hold for
// the payee. A low score means the account may belong to someone else.
//
// Algorithm: each name is normalised (upper case; "&" read as AND; anything but letters and
// digits is a space; honorifics and company suffixes that banks add or drop — MR, MRS, MS, DR,
// SHRI, SMT, M/S, PVT, PRIVATE, LTD, LIMITED, LLP, CO, AND — are removed) and split into tokens.
// Tokens are paired greedily by Jaro–Winkler similarity (a pair counts at 0.9 or more, so a
// typo such as "KUMAR"/"KUMARR" pairs, "ASHA"/"USHA" does not); a single letter pairs with a
// token it begins (an initial). The score is 2·matched / (tokens in one + tokens in the other): 1 when every token
// pairs up, whatever the order ("RAO ARJUN" = "ARJUN RAO"), 0 when nothing does. A payee's score
// is the best over its account holder name and its legal name.

const DROPPED = new Set(["MR", "MRS", "MS", "DR", "SHRI", "SMT", "PVT", "PRIVATE", "LTD", "LIMITED", "LLP", "CO", "AND"]);
/** Jaro–Winkler similarity at or above which two tokens count as the same word. */
const TOKEN_MATCH = 0.9;

export function nameTokens(name: string): string[] {
  return name
    .toUpperCase()
    .replace(/&/g, " AND ")
    .replace(/M\/S/g, " ")
    .replace(/[^A-Z0-9]+/g, " ")
    .split(" ")
    .filter((t) => t !== "" && !DROPPED.has(t));
}

/** Jaro–Winkler similarity of two strings, 0 to 1 (prefix scale 0.1, up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const tokensMatch = (x: string, y: string) =>
  (x.length === 1 && y.startsWith(x)) || (y.length === 1 && x.startsWith(y)) || jaroWinkler(x, y) >= TOKEN_MATCH;

/** Token overlap of two names, 0 to 1 (see the module comment). */
export function nameMatchScore(a: string, b: string): number {
  const left = nameTokens(a);
  const right = nameTokens(b);
  if (left.length === 0 || right.length === 0) return 0;
  const used = new Array<boolean>(right.length).fill(false);
  let matched = 0;
  for (const x of left) {
    let best = -1;
    let bestScore = 0;
    right.forEach((y, j) => {
      if (used[j] || !tokensMatch(x, y)) return;
      const s = x === y ? 2 : jaroWinkler(x, y);
      if (s > bestScore) [best, bestScore] = [j, s];
    });
    if (best >= 0) {
      used[best] = true;
      matched++;
    }
  }
  return Math.round(((2 * matched) / (left.length + right.length)) * 1000) / 1000;
}

/** The best score of the bank's name against any of the names we hold (null names are skipped). */
export function bestNameMatch(bankName: string, names: ReadonlyArray<string | null>): number {
  return Math.max(0, ...names.filter((n): n is string => n !== null && n.trim() !== "").map((n) => nameMatchScore(bankName, n)));
}

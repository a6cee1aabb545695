// Indian tax identifiers of a payee: PAN (Permanent Account Number, Income-tax Act s.139A) and
// GSTIN (GST identification number, CGST Rules r.10). Format checks only; whether a number is
// registered is the marketplace's KYC. Sources and dates: docs/statutory.md.

import { invalid } from "./errors";

/** Five letters, four digits, a letter; the fourth letter is the holder's status (P, C, H, F, A, T, B, L, J, G). */
export const PAN_PATTERN = /^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$/;

/** Two-digit state code, the PAN, the registration's entity number, "Z", a check character. */
export const GSTIN_PATTERN = /^[0-9]{2}[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/** PAN holder status (its fourth character). */
export const PAN_HOLDER_TYPES = {
  P: "individual",
  H: "hindu_undivided_family",
  C: "company",
  F: "firm",
  A: "association_of_persons",
  T: "trust",
  B: "body_of_individuals",
  L: "local_authority",
  J: "artificial_juridical_person",
  G: "government",
} as const;
export type PanHolderType = (typeof PAN_HOLDER_TYPES)[keyof typeof PAN_HOLDER_TYPES];

/** GST state and union-territory codes (01–38) and 97 (other territory), as GSTINs carry them. */
export const GST_STATE_CODES: Readonly<Record<string, string>> = {
  "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh", "05": "Uttarakhand",
  "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh", "10": "Bihar", "11": "Sikkim",
  "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur", "15": "Mizoram", "16": "Tripura", "17": "Meghalaya",
  "18": "Assam", "19": "West Bengal", "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh",
  "24": "Gujarat", "25": "Daman and Diu", "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra",
  "28": "Andhra Pradesh (before 2014)", "29": "Karnataka", "30": "Goa", "31": "Lakshadweep", "32": "Kerala",
  "33": "Tamil Nadu", "34": "Puducherry", "35": "Andaman and Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh",
  "38": "Ladakh", "97": "Other Territory",
};

const CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The GSTIN check character: each of the first 14 characters' value (0–9, A–Z = 10–35) times a
 * factor alternating 1, 2; each product's base-36 digits are added; the check is (36 − sum mod 36) mod 36.
 */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = CHARSET.indexOf(first14[i]!);
    if (value < 0) throw new Error(`invariant violated: ${first14[i]} is not a GSTIN character`);
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return CHARSET[(36 - (sum % 36)) % 36]!;
}

export const panHolderType = (pan: string): PanHolderType => PAN_HOLDER_TYPES[pan[3] as keyof typeof PAN_HOLDER_TYPES];
export const gstinStateCode = (gstin: string) => gstin.slice(0, 2);
export const gstinPan = (gstin: string) => gstin.slice(2, 12);

/** Throws `invalid_pan` unless the text is a well-formed PAN. */
export function assertPan(pan: string, field = "pan"): void {
  if (!PAN_PATTERN.test(pan)) {
    throw invalid("invalid_pan", "A PAN is 5 capital letters (the 4th one the holder's status: P, C, H, F, A, T, B, L, J or G), 4 digits and a capital letter.", { field });
  }
}

/** Throws `invalid_gstin` unless the text is a well-formed GSTIN with the right check character and a known state. */
export function assertGstin(gstin: string, field = "gstin"): void {
  if (!GSTIN_PATTERN.test(gstin)) {
    throw invalid("invalid_gstin", "A GSTIN is 15 characters: a 2-digit state code, the PAN, an entity number, Z and a check character.", { field });
  }
  if (!(gstinStateCode(gstin) in GST_STATE_CODES)) {
    throw invalid("invalid_gstin", `GSTIN state code ${gstinStateCode(gstin)} is not a GST state or union-territory code.`, { field });
  }
  const expected = gstinCheckCharacter(gstin.slice(0, 14));
  if (gstin[14] !== expected) {
    throw invalid("invalid_gstin", `The GSTIN's check character is ${gstin[14]}, but its first 14 characters give ${expected}: it is mistyped.`, { field });
  }
}

export interface TaxIdentity {
  legalName: string | null;
  pan: string | null;
  gstin: string | null;
}

/** A payee's identifiers must each be well formed, and a GSTIN carries the payee's own PAN. */
export function assertTaxIdentity(t: TaxIdentity): void {
  if (t.pan !== null) assertPan(t.pan);
  if (t.gstin !== null) assertGstin(t.gstin);
  if (t.pan !== null && t.gstin !== null && gstinPan(t.gstin) !== t.pan) {
    throw invalid("gstin_pan_mismatch", `The GSTIN carries PAN ${gstinPan(t.gstin)}, not the payee's PAN ${t.pan}.`, { field: "gstin" });
  }
  if ((t.pan !== null || t.gstin !== null) && t.legalName === null) {
    throw invalid("legal_name_required", "A payee with a PAN or GSTIN needs its legal name as registered.", { field: "legalName" });
  }
}

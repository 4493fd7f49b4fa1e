/**
 * Luxembourg national identification number (matricule): 13 digits `YYYYMMDD XXX C1 C2`.
 * C1 is a Luhn check digit over digits 1–11 and C2 a Verhoeff check digit over digits 1–11.
 * Month or day `00` stands for "unknown" (people born abroad with incomplete civil records).
 */

export type MatriculeRule =
  | 'format' // not exactly 13 ASCII digits (whitespace is never trimmed silently)
  | 'date' // impossible calendar date
  | 'future' // birth date after today
  | 'luhn' // 12th digit is not the Luhn check over digits 1–11
  | 'verhoeff'; // 13th digit is not the Verhoeff check over digits 1–11

export type MatriculeCheck =
  | { valid: true; birthDate: { year: number; month: number | null; day: number | null } }
  | { valid: false; rule: MatriculeRule; message: string };

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** The Luhn check digit to append to `digits`. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Doubling starts with the rightmost digit, because the check digit will sit right of it.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The Verhoeff check digit to append to `digits`. */
export function verhoeffCheckDigit(digits: string): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    c = VERHOEFF_D[c]![VERHOEFF_P[(i + 1) % 8]![d]!]!;
  }
  return VERHOEFF_INV[c]!;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Validates a matricule; `today` is injectable so tests do not depend on the clock. */
export function checkMatricule(value: string, today: Date = new Date()): MatriculeCheck {
  if (!/^[0-9]{13}$/.test(value)) {
    return { valid: false, rule: 'format', message: 'must be exactly 13 digits, with no spaces' };
  }
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  if (month > 12 || (month === 0 && day !== 0 && day > 31)) {
    return { valid: false, rule: 'date', message: `month ${value.slice(4, 6)} does not exist` };
  }
  if (month !== 0 && day !== 0 && day > daysInMonth(year, month)) {
    return { valid: false, rule: 'date', message: `${year}-${value.slice(4, 6)}-${value.slice(6, 8)} is not a calendar date` };
  }
  if (day > 31) {
    return { valid: false, rule: 'date', message: `day ${value.slice(6, 8)} does not exist` };
  }
  const earliest = Date.UTC(year, Math.max(month, 1) - 1, Math.max(day, 1));
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  if (earliest > todayUtc) {
    return { valid: false, rule: 'future', message: 'birth date lies in the future' };
  }
  const body = value.slice(0, 11);
  if (Number(value[11]) !== luhnCheckDigit(body)) {
    return { valid: false, rule: 'luhn', message: '12th digit is not the Luhn check digit of digits 1–11' };
  }
  if (Number(value[12]) !== verhoeffCheckDigit(body)) {
    return { valid: false, rule: 'verhoeff', message: '13th digit is not the Verhoeff check digit of digits 1–11' };
  }
  return { valid: true, birthDate: { year, month: month || null, day: day || null } };
}

/** Builds a valid matricule from a birth date and a 3-digit sequence (used by the seed generator). */
export function makeMatricule(year: number, month: number, day: number, sequence: number): string {
  const body =
    String(year).padStart(4, '0') +
    String(month).padStart(2, '0') +
    String(day).padStart(2, '0') +
    String(sequence).padStart(3, '0');
  return body + luhnCheckDigit(body) + verhoeffCheckDigit(body);
}

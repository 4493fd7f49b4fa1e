/**
 * The minutes of a tumour board as a real PDF (pdf-lib): the meeting's header (board, date, who was
 * present with their specialty), then one section per case (patient, presenter, question, diagnosis and
 * staging, the proposal, the alternatives discussed, dissent). What is published to a patient's DSP holds
 * the header and that patient's section only; the preview for the board holds every case. The document's own
 * words are in the author's UI language (fr, de, en); what the board entered is printed as entered.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export interface MinutesCase {
  patient: string;
  presenter: string;
  question: string;
  diagnosis: string;
  staging: string;
  proposal: string;
  alternatives: string[];
  dissent: string;
}

export type MinutesLanguage = 'fr' | 'de' | 'en';

export interface MinutesContent {
  /** The language of the author's UI: the labels, not the clinical content. */
  language: MinutesLanguage;
  board: string;
  /** When the meeting took place (ISO). */
  date: string | null;
  present: string[];
  cases: MinutesCase[];
  /** Stamped in the footer: when and by whom the minutes were generated. */
  generatedBy: string;
  generatedAt: string;
}

/** The document's own words, per language. */
const LABELS: Record<
  MinutesLanguage,
  {
    title: string;
    subject: string;
    heading: string;
    meeting: (day: string, time: string) => string;
    present: string;
    case: (n: number, patient: string) => string;
    presenter: string;
    question: string;
    diagnosis: string;
    staging: string;
    proposal: string;
    alternatives: string;
    dissent: string;
    disclaimer: string;
    footer: (when: string, who: string) => string;
  }
> = {
  fr: {
    title: 'Compte rendu de RCP',
    subject: 'Réunion de concertation pluridisciplinaire',
    heading: 'Compte rendu de réunion de concertation pluridisciplinaire (RCP)',
    meeting: (day, time) => `Réunion du ${day} à ${time} UTC`,
    present: 'Présents',
    case: (n, patient) => `Dossier ${n} — ${patient}`,
    presenter: 'Présenté par',
    question: 'Question posée',
    diagnosis: 'Diagnostic',
    staging: 'Stade',
    proposal: 'Proposition thérapeutique de la RCP',
    alternatives: 'Alternatives discutées',
    dissent: 'Avis divergent',
    disclaimer: 'Proposition de la RCP : à discuter avec le patient ; ce document n’est pas une prescription.',
    footer: (when, who) => `Généré le ${when} UTC par ${who}`,
  },
  de: {
    title: 'Tumorkonferenz-Protokoll',
    subject: 'Interdisziplinäre Tumorkonferenz',
    heading: 'Protokoll der interdisziplinären Tumorkonferenz',
    meeting: (day, time) => `Sitzung vom ${day} um ${time} UTC`,
    present: 'Anwesend',
    case: (n, patient) => `Fall ${n} — ${patient}`,
    presenter: 'Vorgestellt von',
    question: 'Fragestellung',
    diagnosis: 'Diagnose',
    staging: 'Stadium',
    proposal: 'Therapieempfehlung der Tumorkonferenz',
    alternatives: 'Erörterte Alternativen',
    dissent: 'Abweichende Meinung',
    disclaimer: 'Empfehlung der Tumorkonferenz: mit dem Patienten zu besprechen; dieses Dokument ist keine Verordnung.',
    footer: (when, who) => `Erstellt am ${when} UTC von ${who}`,
  },
  en: {
    title: 'Tumour board minutes',
    subject: 'Multidisciplinary tumour board',
    heading: 'Minutes of the multidisciplinary tumour board',
    meeting: (day, time) => `Meeting of ${day} at ${time} UTC`,
    present: 'Present',
    case: (n, patient) => `Case ${n} — ${patient}`,
    presenter: 'Presented by',
    question: 'Question',
    diagnosis: 'Diagnosis',
    staging: 'Stage',
    proposal: 'Treatment proposal of the board',
    alternatives: 'Alternatives discussed',
    dissent: 'Dissenting opinion',
    disclaimer: 'Proposal of the tumour board: to be discussed with the patient; this document is not a prescription.',
    footer: (when, who) => `Generated on ${when} UTC by ${who}`,
  },
};

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const BODY = 10.5;
const LEADING = 14;

/** Helvetica's WinAnsi covers French and German; anything else is shown as "?" rather than failing the PDF. */
function printable(font: PDFFont, text: string): string {
  let out = '';
  for (const char of text.replace(/[\t\r]/g, ' ')) {
    try {
      font.encodeText(char);
      out += char;
    } catch {
      out += '?';
    }
  }
  return out;
}

function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of printable(font, text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

class Writer {
  private page!: PDFPage;
  private y = 0;
  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  private newPage(): void {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  text(text: string, options: { bold?: boolean; size?: number; indent?: number; color?: [number, number, number] } = {}): void {
    const font = options.bold ? this.bold : this.regular;
    const size = options.size ?? BODY;
    const indent = options.indent ?? 0;
    for (const line of wrap(font, size, text, A4[0] - 2 * MARGIN - indent)) {
      this.ensure(size + 4);
      this.page.drawText(line, { x: MARGIN + indent, y: this.y - size, size, font, color: rgb(...(options.color ?? [0, 0, 0])) });
      this.y -= Math.max(LEADING, size + 4);
    }
  }

  field(label: string, value: string): void {
    if (!value.trim()) return;
    this.text(label, { bold: true });
    this.text(value, { indent: 12 });
  }

  gap(height = 8): void {
    this.y -= height;
  }

  rule(): void {
    this.ensure(10);
    this.page.drawLine({
      start: { x: MARGIN, y: this.y - 4 },
      end: { x: A4[0] - MARGIN, y: this.y - 4 },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 12;
  }

  footers(footer: string): void {
    const pages = this.doc.getPages();
    pages.forEach((page, i) => {
      const text = printable(this.regular, `${footer} — ${i + 1}/${pages.length}`);
      page.drawText(text, { x: MARGIN, y: MARGIN / 2, size: 8, font: this.regular, color: rgb(0.4, 0.4, 0.4) });
    });
  }
}

/** The minutes as PDF bytes. */
export async function minutesPdf(content: MinutesContent): Promise<Uint8Array> {
  const l = LABELS[content.language];
  const doc = await PDFDocument.create();
  doc.setTitle(`${l.title} — ${content.board}`);
  doc.setSubject(l.subject);
  doc.setLanguage(content.language);
  doc.setProducer('eSanté Desk');
  // Fixed dates, so the same minutes give the same bytes (the generation instant is in the footer).
  doc.setCreationDate(new Date(content.generatedAt));
  doc.setModificationDate(new Date(content.generatedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, regular, bold);
  w.text(l.heading, { bold: true, size: 14 });
  w.text(content.board, { size: 12 });
  if (content.date) w.text(l.meeting(content.date.slice(0, 10), content.date.slice(11, 16)));
  w.gap();
  w.field(l.present, content.present.join(' ; ') || '—');
  for (const [index, c] of content.cases.entries()) {
    w.rule();
    w.text(l.case(index + 1, c.patient), { bold: true, size: 12 });
    w.field(l.presenter, c.presenter);
    w.field(l.question, c.question);
    w.field(l.diagnosis, c.diagnosis);
    w.field(l.staging, c.staging);
    w.field(l.proposal, c.proposal);
    w.field(l.alternatives, c.alternatives.map((a) => `– ${a}`).join('\n'));
    w.field(l.dissent, c.dissent);
  }
  w.gap();
  w.text(l.disclaimer, { size: 9, color: [0.3, 0.3, 0.3] });
  w.footers(l.footer(content.generatedAt.slice(0, 16).replace('T', ' '), content.generatedBy));
  return doc.save({ useObjectStreams: false });
}

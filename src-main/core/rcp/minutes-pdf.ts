/**
 * The minutes of a tumour board as a real PDF (pdf-lib): the meeting's header (board, date, who was
 * present with their specialty), then one section per case (patient, presenter, question, diagnosis and
 * staging, the proposal, the alternatives discussed, dissent). What is published to a patient's DSP holds
 * the header and that patient's section only; the preview for the board holds every case.
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

export interface MinutesContent {
  board: string;
  /** When the meeting took place (ISO). */
  date: string | null;
  present: string[];
  cases: MinutesCase[];
  /** Stamped in the footer: when and by whom the minutes were generated. */
  generatedBy: string;
  generatedAt: string;
}

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
  const doc = await PDFDocument.create();
  doc.setTitle(`Compte rendu de RCP — ${content.board}`);
  doc.setSubject('Réunion de concertation pluridisciplinaire');
  doc.setProducer('eSanté Desk');
  // Fixed dates, so the same minutes give the same bytes (the generation instant is in the footer).
  doc.setCreationDate(new Date(content.generatedAt));
  doc.setModificationDate(new Date(content.generatedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, regular, bold);
  w.text('Compte rendu de réunion de concertation pluridisciplinaire (RCP)', { bold: true, size: 14 });
  w.text(content.board, { size: 12 });
  if (content.date) w.text(`Réunion du ${content.date.slice(0, 10)} à ${content.date.slice(11, 16)} UTC`);
  w.gap();
  w.field('Présents', content.present.join(' ; ') || '—');
  for (const [index, c] of content.cases.entries()) {
    w.rule();
    w.text(`Dossier ${index + 1} — ${c.patient}`, { bold: true, size: 12 });
    w.field('Présenté par', c.presenter);
    w.field('Question posée', c.question);
    w.field('Diagnostic', c.diagnosis);
    w.field('Stade', c.staging);
    w.field('Proposition thérapeutique de la RCP', c.proposal);
    w.field('Alternatives discutées', c.alternatives.map((a) => `– ${a}`).join('\n'));
    w.field('Avis divergent', c.dissent);
  }
  w.gap();
  w.text('Proposition de la RCP : à discuter avec le patient ; ce document n’est pas une prescription.', {
    size: 9,
    color: [0.3, 0.3, 0.3],
  });
  w.footers(`Généré le ${content.generatedAt.slice(0, 16).replace('T', ' ')} UTC par ${content.generatedBy}`);
  return doc.save({ useObjectStreams: false });
}

/**
 * The demo patient's DSP (issue 5): one document of each of the 8 DSP types (LOINC), as text, and the
 * imaging report as a small PDF in its own Binary. Fixed records (no PRNG), so the generated data set
 * around them does not change. Authors are generated professionals and the demo GP and nurse — never
 * the demo specialist, who has no access at all (presence-code demos).
 */
import { dspDocument } from './dsp-document';
import { DOCUMENT_KINDS } from './luxembourg';

export interface DemoDocumentSpec {
  code: string;
  author: string;
  custodian: string;
  confidentiality: 'N' | 'R' | 'V';
  date: string;
  pdf?: boolean;
}

export const DEMO_DSP_DOCUMENTS: readonly DemoDocumentSpec[] = [
  {
    code: '60591-5',
    author: 'Practitioner/demo-gp',
    custodian: 'demo-org-practice',
    confidentiality: 'N',
    date: '2024-11-04T09:15:00Z',
  },
  {
    code: '11502-2',
    author: 'Practitioner/prac-specialist-002',
    custodian: 'org-lab-central',
    confidentiality: 'N',
    date: '2024-10-21T07:40:00Z',
  },
  {
    code: '18842-5',
    author: 'Practitioner/prac-specialist-001',
    custodian: 'org-hospital-kirchberg',
    confidentiality: 'R',
    date: '2024-09-12T16:05:00Z',
  },
  {
    code: '18748-4',
    author: 'Practitioner/prac-specialist-003',
    custodian: 'org-hospital-esch',
    confidentiality: 'N',
    date: '2024-09-10T11:30:00Z',
    pdf: true,
  },
  {
    code: '57833-6',
    author: 'Practitioner/demo-gp',
    custodian: 'demo-org-practice',
    confidentiality: 'N',
    date: '2024-11-04T09:30:00Z',
  },
  {
    code: '34746-8',
    author: 'Practitioner/demo-nurse',
    custodian: 'demo-org-homecare',
    confidentiality: 'N',
    date: '2024-11-18T18:10:00Z',
  },
  {
    code: '11488-4',
    author: 'Practitioner/prac-specialist-004',
    custodian: 'org-hospital-kirchberg',
    confidentiality: 'V',
    date: '2024-08-30T14:00:00Z',
  },
  {
    code: '18776-5',
    author: 'Practitioner/demo-gp',
    custodian: 'demo-org-practice',
    confidentiality: 'N',
    date: '2024-11-05T08:00:00Z',
  },
];

/** A valid one-page PDF 1.4 with a few lines of Helvetica text (offsets computed, so any reader opens it). */
export function minimalPdf(lines: readonly string[]): Buffer {
  const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
  const stream = ['BT', '/F1 12 Tf', '72 760 Td', '16 TL', ...lines.map((l) => `(${escape(l)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The demo DSP as resources: DocumentReferences (and the PDF's Binary), each with who created it. */
export function demoDspResources(patientId: string): Array<{ resource: fhir4.FhirResource & { id: string }; createdBy: string }> {
  const items: Array<{ resource: fhir4.FhirResource & { id: string }; createdBy: string }> = [];
  for (const spec of DEMO_DSP_DOCUMENTS) {
    const kind = DOCUMENT_KINDS.find((k) => k.code === spec.code)!;
    const id = `dsp-${patientId}-${spec.code}`;
    let attachment: fhir4.Attachment | undefined;
    if (spec.pdf) {
      const pdf = minimalPdf([kind.title, spec.date.slice(0, 10), ...kind.text.split(/(?<=[.:]) /)]);
      const binaryId = `${id}-pdf`;
      items.push({
        createdBy: spec.author,
        resource: {
          resourceType: 'Binary',
          id: binaryId,
          contentType: 'application/pdf',
          securityContext: { reference: `DocumentReference/${id}` },
          data: pdf.toString('base64'),
        },
      });
      attachment = {
        contentType: 'application/pdf',
        url: `Binary/${binaryId}`,
        size: pdf.length,
        title: kind.title,
        creation: spec.date,
      };
    }
    items.push({
      createdBy: spec.author,
      resource: dspDocument({
        id,
        patientId,
        kind,
        date: spec.date,
        author: spec.author,
        custodian: spec.custodian,
        confidentiality: spec.confidentiality,
        ...(attachment ? { attachment } : {}),
      }),
    });
  }
  return items;
}

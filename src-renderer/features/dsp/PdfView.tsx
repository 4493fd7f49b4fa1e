import { Button, Group, Loader, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PDFDocumentProxy } from 'pdfjs-dist';

type PdfDocument = PDFDocumentProxy;

/**
 * Renders a PDF in the app with pdf.js (no external viewer, no temp file: the bytes come from the
 * encrypted cache). pdf.js is loaded on first use; its worker is served by the app itself (CSP 'self').
 */
export function PdfView({ base64 }: { base64: string }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<PdfDocument | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const pdfjs = await import('pdfjs-dist');
        const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
        pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
        const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const loaded = await pdfjs.getDocument({ data, isEvalSupported: false }).promise;
        if (!cancelled) {
          setPdf(loaded);
          setPage(1);
        }
      } catch (e) {
        if (!cancelled) setError((e as Error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [base64]);

  useEffect(() => {
    if (!pdf || !canvas.current) return;
    let cancelled = false;
    void (async () => {
      const p = await pdf.getPage(page);
      const viewport = p.getViewport({ scale: 1.3 });
      const target = canvas.current;
      if (cancelled || !target) return;
      target.width = viewport.width;
      target.height = viewport.height;
      await p.render({ canvas: target, viewport }).promise;
    })();
    return () => {
      cancelled = true;
    };
  }, [pdf, page]);

  if (error) return <Text c="red">{error}</Text>;
  if (!pdf) return <Loader />;
  return (
    <div>
      <Group mb="xs">
        <Button size="compact-xs" variant="default" disabled={page <= 1} onClick={() => setPage((n) => n - 1)}>
          ‹
        </Button>
        <Text size="sm">{t('dsp.page', { page, pages: pdf.numPages })}</Text>
        <Button size="compact-xs" variant="default" disabled={page >= pdf.numPages} onClick={() => setPage((n) => n + 1)}>
          ›
        </Button>
      </Group>
      <canvas ref={canvas} data-testid="pdf-canvas" style={{ maxWidth: '100%', border: '1px solid #ddd' }} />
    </div>
  );
}

import { useEffect, useState } from 'react';
import { useDesk } from '../../api/DeskContext';

export interface DownloadProgress {
  done: number;
  total: number;
}

/**
 * The attachment download under way (an evicted or not yet fetched document's bytes coming back), from
 * the core's `attachments.progress` events; null when none is. The document viewer shows it while the
 * document is loading, so a wait for bytes reads as "downloading…", never as a frozen screen.
 */
export function useDownloadProgress(): DownloadProgress | null {
  const desk = useDesk();
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  useEffect(
    () =>
      desk.on('attachments.progress', ({ direction, done, total }) => {
        if (direction !== 'download') return;
        setProgress(done >= total ? null : { done, total });
      }),
    [desk],
  );
  return progress;
}

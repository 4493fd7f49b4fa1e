import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { DeskCallError } from '../../src-renderer/api/DeskContext';
import { ApiErrorAlert } from '../../src-renderer/components/ApiErrorAlert';
import { createI18n, type Language } from '../../src-renderer/i18n';

function renderError(language: Language, error: unknown) {
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <MantineProvider>
        <ApiErrorAlert error={error} />
      </MantineProvider>
    </I18nextProvider>,
  );
}

describe('API errors in the user language', () => {
  it('names the field of an invalid input, in French', () => {
    renderError('fr', new DeskCallError({ code: 'invalid_input', message: 'x', field: 'patient.birthDate' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Saisie invalide : patient.birthDate.');
  });

  it('says the same in German', () => {
    renderError('de', new DeskCallError({ code: 'wrong_passphrase', message: 'wrong passphrase' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Falsche Passphrase.');
  });

  it('never shows the raw text of an unexpected error', () => {
    renderError('en', new Error('TypeError at line 42'));
    expect(screen.getByRole('alert')).toHaveTextContent('Internal error.');
    expect(screen.getByRole('alert')).not.toHaveTextContent('line 42');
  });
});

describe('a delay after too many passphrase tries is shown in the user language', () => {
  it('in French, in seconds', () => {
    renderError('fr', new DeskCallError({ code: 'rate_limited', message: 'x', field: 'passphrase', retryAfterSeconds: 30 }));
    expect(screen.getByRole('alert')).toHaveTextContent('Trop de tentatives');
    expect(screen.getByRole('alert')).toHaveTextContent('Réessayez dans 30 secondes.');
  });

  it('in German, in whole minutes once it reaches one', () => {
    renderError('de', new DeskCallError({ code: 'rate_limited', message: 'x', retryAfterSeconds: 450 }));
    expect(screen.getByRole('alert')).toHaveTextContent('Erneut versuchen in 8 Minuten.');
  });

  it('in English, singular', () => {
    renderError('en', new DeskCallError({ code: 'rate_limited', message: 'x', retryAfterSeconds: 1 }));
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 1 second.');
  });
});

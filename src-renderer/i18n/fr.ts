/** French: the default language, and the source of the translation keys. */
export const fr = {
  app: { title: 'eSanté Desk', skipToContent: 'Aller au contenu' },
  nav: { home: 'Accueil', label: 'Navigation principale' },
  language: { label: 'Langue', fr: 'Français', de: 'Deutsch', en: 'English' },
  home: {
    heading: 'Bienvenue sur eSanté Desk',
    intro: 'Votre poste de travail pour le dossier de soins partagé, les annuaires et la messagerie sécurisée.',
    version: 'Version',
    shell: 'Environnement',
    shellElectron: 'Application de bureau',
    shellBrowser: 'Navigateur (shell local)',
    platform: 'Plateforme eSanté',
    profile: 'Profil',
    profileState: { none: 'Aucun profil sur cet appareil', locked: 'Verrouillé', unlocked: 'Déverrouillé' },
    loading: 'Chargement…',
  },
  errors: {
    unknown_method: 'Cette fonction n’existe pas.',
    invalid_input: 'Saisie invalide : {{field}}.',
    unauthenticated: 'Veuillez vous connecter.',
    forbidden: 'Accès refusé.',
    not_found: 'Introuvable.',
    conflict: 'Conflit de version : votre modification est conservée pour résolution.',
    offline: 'Hors ligne : votre travail est conservé et sera synchronisé.',
    locked: 'Profil verrouillé : saisissez votre phrase secrète.',
    wrong_passphrase: 'Phrase secrète incorrecte.',
    key_file_damaged: 'Le fichier de clé du profil est endommagé. Aucune donnée n’a été modifiée.',
    database_damaged: 'Le cache chiffré est endommagé. Aucune donnée n’a été modifiée.',
    database_too_new: 'Ce cache a été créé par une version plus récente d’eSanté Desk.',
    rate_limited: 'Trop de tentatives : réessayez plus tard.',
    platform_error: 'La plateforme a refusé la demande : {{message}}',
    internal: 'Erreur interne. Réessayez ; si elle persiste, contactez le support.',
  },
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** Every language provides exactly the French keys. */
export type Messages = Widen<typeof fr>;

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadMain, type MainUnderTest } from './electron-mock';

// Threat: a script injected into the renderer asks for the camera, the microphone, notifications,
// geolocation, the clipboard, HID/USB/serial devices. Electron grants permission requests and answers
// permission checks "granted" unless the app installs handlers. The app needs none: every request and
// every check is denied.

let main: MainUnderTest;
beforeAll(async () => {
  main = await loadMain();
});
afterAll(() => vi.doUnmock('electron'));

const PERMISSIONS = [
  'media',
  'geolocation',
  'notifications',
  'clipboard-read',
  'clipboard-sanitized-write',
  'fullscreen',
  'openExternal',
  'pointerLock',
  'hid',
  'serial',
  'usb',
  'midi',
  'midiSysex',
  'idle-detection',
  'display-capture',
  'window-management',
  'storage-access',
  'fileSystem',
];

describe('every browser permission is denied', () => {
  it('permission requests are refused', () => {
    expect(main.permissionRequest).toBeTypeOf('function');
    for (const permission of PERMISSIONS) {
      let granted: boolean | undefined;
      main.permissionRequest!({}, permission, (answer) => (granted = answer), { requestingUrl: 'app://desk/index.html' });
      expect({ permission, granted }).toEqual({ permission, granted: false });
    }
  });

  it('permission checks are answered "denied", even for our own origin', () => {
    expect(main.permissionCheck).toBeTypeOf('function');
    for (const permission of PERMISSIONS) {
      const answer = main.permissionCheck!({}, permission, 'app://desk', { requestingUrl: 'app://desk/index.html' });
      expect({ permission, answer }).toEqual({ permission, answer: false });
    }
  });

  it('device access (HID, USB, serial) is denied', () => {
    expect(main.devicePermission).toBeTypeOf('function');
    expect(main.devicePermission!({ deviceType: 'usb', origin: 'app://desk', device: {} })).toBe(false);
  });
});

import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from './security';

type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** The main window: hardened preferences, hidden until painted so the user never sees a blank frame. */
export function createMainWindow(Window: BrowserWindowClass, preloadPath: string, appUrl: string): BrowserWindow {
  const window = new Window({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'eSanté Desk',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  // app://desk/index.html (see app-protocol.ts), never a file: URL.
  void window.loadURL(appUrl);
  return window;
}

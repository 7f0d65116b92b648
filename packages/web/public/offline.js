// The offline page (public/offline.html). "Try again" reloads the page that was asked for (the
// address bar still shows it). By itself, while the device says it is online, it asks the server
// every few seconds and reloads once it answers: coming back online is not the server being back.
const retry = () => window.location.reload();
document.querySelector('.offline-retry')?.addEventListener('click', retry);

const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 30000;
let wait = FIRST_WAIT_MS;
let timer;

async function check() {
  timer = undefined;
  if (!navigator.onLine) return;
  try {
    // A HEAD request passes the service worker by (it answers GETs only), so this asks the server.
    const res = await fetch(window.location.href, { method: 'HEAD', cache: 'no-store' });
    if (res.status < 500) return retry();
  } catch {}
  wait = Math.min(wait * 2, MAX_WAIT_MS);
  schedule();
}

function schedule() {
  if (timer === undefined) timer = setTimeout(check, wait);
}

window.addEventListener('online', () => {
  clearTimeout(timer);
  timer = undefined;
  wait = FIRST_WAIT_MS;
  schedule();
});
schedule();

// The filing form asks the rules as the agency types (the same check as the "Check the rules"
// button, which works without this script) and shows the decision beside the form.
(function () {
  const form = document.getElementById('filing-form');
  const out = document.getElementById('decision');
  if (!form || !out || !window.fetch) return;
  let timer = null;
  let seq = 0;
  async function check() {
    const mine = ++seq;
    const data = new URLSearchParams(new FormData(form));
    data.delete('action');
    try {
      const res = await fetch('/filings/check', {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': form.elements._csrf.value },
      });
      // a slower answer to an earlier state of the form must not overwrite a newer one
      // a redirect means the session ended (to the sign-in page): leave the panel as it is
      if (mine === seq && res.ok && !res.redirected) out.innerHTML = await res.text();
    } catch (e) {
      // offline or the server away: the buttons still work
    }
  }
  const later = function () {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
})();

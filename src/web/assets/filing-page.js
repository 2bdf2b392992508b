// A filing's page: cancelling asks first, in place (without this script the page asks after the
// first press). An empty reason goes straight to the server, which says it is needed.
(function () {
  const form = document.getElementById('cancel-form');
  const box = document.getElementById('cancel-confirm');
  const first = document.getElementById('cancel-button');
  if (!form || !box || !first) return;
  form.addEventListener('submit', function (e) {
    if (e.submitter && e.submitter.name === 'confirm') return;
    if (!form.elements.reason.value.trim()) return;
    e.preventDefault();
    box.hidden = false;
    first.hidden = true;
    box.focus();
  });
  box.querySelectorAll('[data-dismiss]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      box.hidden = true;
      first.hidden = false;
      first.focus();
    });
  });
})();

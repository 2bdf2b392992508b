// The notice's print button (no inline scripts: the pages' CSP forbids them).
document.querySelectorAll('[data-print]').forEach(function (b) {
  b.addEventListener('click', function () {
    window.print();
  });
});

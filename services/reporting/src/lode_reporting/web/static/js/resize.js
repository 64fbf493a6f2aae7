// Charts follow their element's size (a window resize, a wall screen, a layout change), once
// per frame, and never while the element has no size (hidden, or being laid out).

export function resizeWith(element, chart) {
  let frame = 0;
  const observer = new ResizeObserver((entries) => {
    const { width, height } = entries[entries.length - 1].contentRect;
    if (!width || !height) return;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (chart.isDisposed()) observer.disconnect();
      else chart.resize();
    });
  });
  observer.observe(element);
}

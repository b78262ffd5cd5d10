// Bar charts as inline SVG built node by node (no library, nothing fetched from elsewhere; the page's policy allows
// only its own scripts). Every bar is a <rect> carrying data-label and data-value, so a test reads what is drawn.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

// bars: [{ label, value, className? }]; options: { width, height, title, valueText? }.
function barChart(bars, options) {
  const width = options.width || 480;
  const height = options.height || 160;
  const top = 16;
  const bottom = 34;
  const plot = height - top - bottom;
  const max = Math.max(1, ...bars.map(b => b.value));
  const slot = bars.length === 0 ? width : width / bars.length;
  const barWidth = Math.max(1, Math.min(48, slot * 0.7));
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": options.title, class: "chart" });
  svg.append(svgEl("title", {}, options.title));
  svg.append(svgEl("line", { x1: 0, y1: top + plot, x2: width, y2: top + plot, class: "axis" }));
  bars.forEach((bar, i) => {
    const h = bar.value === 0 ? 0 : Math.max(1, plot * bar.value / max);
    const x = i * slot + (slot - barWidth) / 2;
    const rect = svgEl("rect", { x, y: top + plot - h, width: barWidth, height: h, class: `bar ${bar.className || ""}`.trim(), "data-label": bar.label, "data-value": bar.value });
    rect.append(svgEl("title", {}, `${bar.label}: ${options.valueText ? options.valueText(bar.value) : bar.value}`));
    svg.append(rect);
    if (bars.length <= 16 || i % Math.ceil(bars.length / 12) === 0) {
      svg.append(svgEl("text", { x: i * slot + slot / 2, y: height - bottom + 14, class: "tick", "text-anchor": "middle" }, bar.label));
    }
    if (bar.value > 0 && bars.length <= 16) {
      svg.append(svgEl("text", { x: i * slot + slot / 2, y: top + plot - h - 3, class: "value", "text-anchor": "middle" }, options.valueText ? options.valueText(bar.value) : bar.value));
    }
  });
  return svg;
}

window.ControlPlaneCharts = { barChart };

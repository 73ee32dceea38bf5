/** The first thing Tab reaches: jumps past the navigation to the page's content (WCAG 2.4.1). */
export function SkipLink() {
  return (
    <a href="#main" className="skip-link">
      Skip to content
    </a>
  );
}

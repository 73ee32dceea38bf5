export default function ConfirmedPage() {
  return (
    <div className="card space-y-2" role="status">
      <h1>Password confirmed</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Close this tab and submit the form again: it is good for the next 5 minutes.
      </p>
    </div>
  );
}

import { usageSnippets, type SnippetParams } from "@/lib/snippets";
import { PemBlock } from "./pem-block";

export function UsageSnippets(params: SnippetParams) {
  return (
    <div className="space-y-4">
      {usageSnippets(params).map((s) => (
        <PemBlock key={s.id} title={s.title} text={s.text} />
      ))}
    </div>
  );
}

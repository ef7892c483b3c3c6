"""The incremental engine: what a build reads, what it makes, what is stale, and how the output is replaced.

One module per concern, in the order a build uses them:

- `inputs.py`: the site's input locations (settings, locales, templates, static,
  content) for build, the preview's watcher and deploy, and the values taken
  from the environment (the year). A new kind of input file (data files,
  bibliographies, a packaged theme) is one more entry in `input_locations`; a
  new environment value is one more key in `environment_inputs`.
- `plan.py`: one small function per kind of output turns the indexed site into
  jobs: `dest`, the renderer (`kind`), its `subject` and its `inputs`, all plain
  values. A new kind of output is one planning function plus one renderer.
- `deps.py`: digests of whole pages and of template closures (extends,
  includes, imports), the values that go into inputs. A new value a template
  can read goes into a job's inputs, or into `SiteContext.shared_inputs` if
  every template sees it.
- `stale.py`: the one staleness rule (nothing changed; which jobs to make again).
- `render.py`: the template context and helpers, and a renderer per job kind;
  it notes which site-wide values (`posts`, `all_tags`) a template read.
- `record.py`: what the last build made, saved after its output is in place.
- `write.py`: the transaction: a staging tree of hard links swapped in with one
  atomic exchange, the marker naming the build, recovery after a kill.
- `cache.py`: conversions (Markdown, notebooks) by content hash.

It imports the model, the settings and the site's helpers; the stages in
`build.py` call it, and `serve` and `deploy` use `inputs.py`.
"""

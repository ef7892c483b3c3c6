"""Stand-ins for the includes that common Jekyll themes ship and sites call from their posts.

A site's own `_includes/<name>` always wins; these only fill in for a theme's
files that are not in the site's repository. Embeds of other sites (videos,
slides, music) become plain links: built pages load nothing from elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping

_LINK = '<p class="embed"><a href="{url}">{label}</a></p>'

FALLBACK_INCLUDES: Mapping[str, str] = {
    # al-folio
    "figure.html": (
        '<figure><img src="{{ include.path | relative_url }}" alt="{{ include.alt | default: include.caption'
        ' | default: include.title }}"{% if include.class %} class="{{ include.class }}"{% endif %}>'
        "{% if include.caption %}<figcaption>{{ include.caption }}</figcaption>{% endif %}</figure>"
    ),
    # fastpages
    "alert.html": '<div class="alert" role="note">{{ include.text | markdownify | strip_paragraph }}</div>',
    "info.html": '<div class="info" role="note">{{ include.text | markdownify | strip_paragraph }}</div>',
    "warning.html": '<div class="warning" role="note">{{ include.text | markdownify | strip_paragraph }}</div>',
    "important.html": '<div class="important" role="note">{{ include.text | markdownify | strip_paragraph }}</div>',
    "note.html": '<div class="note" role="note">{{ include.text | markdownify | strip_paragraph }}</div>',
    "video.html": _LINK.format(url="{{ include.url }}", label="Video: {{ include.url }}"),
    "youtube.html": _LINK.format(url="{{ include.content }}", label="YouTube: {{ include.content }}"),
    "twitter.html": _LINK.format(url="{{ include.content }}", label="{{ include.content }}"),
    # jekyll-TeXt-theme
    "extensions/youtube.html": _LINK.format(
        url="https://www.youtube.com/watch?v={{ include.id }}", label="YouTube video {{ include.id }}"
    ),
    "extensions/bilibili.html": _LINK.format(
        url="https://www.bilibili.com/video/av{{ include.id }}", label="Bilibili video {{ include.id }}"
    ),
    "extensions/ted.html": _LINK.format(url="https://www.ted.com/talks/{{ include.id }}", label="TED talk: {{ include.id }}"),
    "extensions/slideshare.html": _LINK.format(
        url="https://www.slideshare.net/slideshow/embed_code/key/{{ include.id }}", label="Slides {{ include.id }}"
    ),
    "extensions/soundcloud.html": _LINK.format(
        url="https://api.soundcloud.com/tracks/{{ include.id }}", label="SoundCloud track {{ include.id }}"
    ),
    "extensions/netease-cloud-music.html": _LINK.format(
        url="https://music.163.com/#/song?id={{ include.id }}", label="NetEase Cloud Music {{ include.id }}"
    ),
    "extensions/codepen.html": _LINK.format(
        url="https://codepen.io/{{ include.user }}/pen/{{ include.hash }}", label="CodePen {{ include.user }}/{{ include.hash }}"
    ),
}

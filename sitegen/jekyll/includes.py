"""Stand-ins for the includes that common Jekyll themes (al-folio, fastpages, TeXt, Minimal Mistakes, Chirpy) ship.

A site's own `_includes/<name>` always wins; these only fill in for a theme's
files that are not in the site's repository. Embeds of other sites (videos,
slides, music) become plain links: built pages load nothing from elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping

_LINK = '<p class="embed"><a href="{url}">{label}</a></p>'

_AL_FOLIO_FIGURE = (
    '<figure><img src="{{ include.path | relative_url }}" alt="{{ include.alt | default: include.caption'
    ' | default: include.title }}"{% if include.class %} class="{{ include.class }}"{% endif %}>'
    "{% if include.caption %}<figcaption>{{ include.caption }}</figcaption>{% endif %}</figure>"
)
# A local file plays in the page; a file elsewhere is a link.
_MEDIA = (
    "{% assign media = include.path | default: include.src | default: include.url %}"
    '{% if media contains "://" %}<p class="embed"><a href="{{ media }}">{{ media }}</a></p>'
    '{% else %}<{tag} src="{{ media | relative_url }}" controls{% if include.class %} class="{{ include.class }}"{% endif %}>'
    '<a href="{{ media | relative_url }}">{{ media }}</a></{tag}>{% endif %}'
)
_MM_VIDEO = {
    "youtube": "https://www.youtube.com/watch?v=",
    "vimeo": "https://vimeo.com/",
    "google-drive": "https://drive.google.com/file/d/",
    "bilibili": "https://www.bilibili.com/video/",
}

FALLBACK_INCLUDES: Mapping[str, str] = {
    # al-folio (older sites .html, newer .liquid)
    "figure.html": _AL_FOLIO_FIGURE,
    "figure.liquid": _AL_FOLIO_FIGURE,
    "video.liquid": _MEDIA.replace("{tag}", "video"),
    "audio.liquid": _MEDIA.replace("{tag}", "audio"),
    # Minimal Mistakes: sitegen's layout shows the table of contents itself.
    "toc": "",
    "figure": (
        '<figure{% if include.class %} class="{{ include.class }}"{% endif %}><img src="{{ include.image_path | relative_url }}"'
        ' alt="{{ include.alt }}">{% if include.caption %}<figcaption>{{ include.caption | markdownify | strip_paragraph }}'
        "</figcaption>{% endif %}</figure>"
    ),
    "gallery": (
        "{% assign items = page[include.id] | default: page.gallery %}"
        '<figure class="gallery{% if include.class %} {{ include.class }}{% endif %}">{% for item in items %}'
        '<a href="{{ item.url | default: item.image_path | relative_url }}"><img src="{{ item.image_path | relative_url }}"'
        ' alt="{{ item.alt }}"></a>{% endfor %}{% if include.caption %}<figcaption>{{ include.caption | markdownify'
        " | strip_paragraph }}</figcaption>{% endif %}</figure>"
    ),
    "feature_row": (
        "{% assign items = page[include.id] | default: page.feature_row %}"
        '<div class="feature-row">{% for item in items %}<div class="feature-item">'
        '{% if item.image_path %}<img src="{{ item.image_path | relative_url }}" alt="{{ item.alt }}">{% endif %}'
        "{% if item.title %}<h3>{{ item.title }}</h3>{% endif %}{{ item.excerpt | markdownify }}"
        '{% if item.url %}<p><a href="{{ item.url | relative_url }}">{{ item.btn_label | default: "Learn more" }}</a></p>{% endif %}'
        "</div>{% endfor %}</div>"
    ),
    "video": "".join(
        f'{{% if include.provider == "{name}" %}}'
        + _LINK.format(url=f"{url}{{{{ include.id }}}}", label=f"{name}: {{{{ include.id }}}}")
        + "{% endif %}"
        for name, url in _MM_VIDEO.items()
    ),
    "base_path": "",
    # Chirpy
    "embed/youtube.html": _LINK.format(url="https://www.youtube.com/watch?v={{ include.id }}", label="YouTube video {{ include.id }}"),
    "embed/bilibili.html": _LINK.format(url="https://www.bilibili.com/video/{{ include.id }}", label="Bilibili video {{ include.id }}"),
    "embed/twitch.html": _LINK.format(url="https://www.twitch.tv/videos/{{ include.id }}", label="Twitch video {{ include.id }}"),
    "embed/spotify.html": _LINK.format(url="https://open.spotify.com/{{ include.id }}", label="Spotify {{ include.id }}"),
    "embed/video.html": _MEDIA.replace("{tag}", "video"),
    "embed/audio.html": _MEDIA.replace("{tag}", "audio"),
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

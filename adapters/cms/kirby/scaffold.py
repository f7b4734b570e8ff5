"""The files around the content that make the folder a Kirby 5 site."""

from __future__ import annotations

import json
from importlib.resources import files

from adapters.cms.kirby.naming import php_string, slugify
from adapters.cms.presentation import SOCIAL_NETWORKS

PLUGIN_PATH = "site/plugins/kirbygen/index.php"


def plugin_php() -> str:
    """The site's own plugin: link texts, and how written text treats links that lead nowhere."""
    source = (files("adapters.cms.kirby.resources") / "plugin.php").read_text(encoding="utf-8")
    networks = ", ".join(
        f"{php_string(host)} => {php_string(name)}" for host, name in SOCIAL_NETWORKS.items()
    )
    return source.replace("/* NETWORKS */", f"[{networks}]")


INDEX_PHP = """<?php

require __DIR__ . '/kirby/bootstrap.php';

echo (new Kirby)->render();
"""

CONFIG_PHP = """<?php

/**
 * Site options: https://getkirby.com/docs/reference/system/options
 */
return [
    // Never show stack traces to visitors; set to true only on your own machine.
    'debug' => false,
    // The generated YAML (blueprints, structure fields) is standard YAML; Kirby's Symfony
    // reader handles all of it, the older default reader does not.
    'yaml.handler' => 'symfony',
    // Content comes from notes and documents: HTML inside Markdown is escaped, not rendered.
    'markdown' => [
        'safe' => true,
        // A line break inside a paragraph is where the source text wrapped, not a <br>.
        'breaks' => false,
    ],
];
"""

HTACCESS = """# Kirby on Apache: every request goes through index.php.
<IfModule mod_rewrite.c>

RewriteEngine on

# When the site lives in a subfolder, set it here, e.g. RewriteBase /mysite
# RewriteBase /

# Hidden files and folders (.git, .env …) are never served; .well-known stays reachable.
RewriteRule (^|/)\\.(?!well-known\\/) index.php [L]

# Content, site code and Kirby's core are not served directly; Kirby publishes the
# files visitors need into media/.
RewriteRule ^content/(.*) index.php [L]
RewriteRule ^site/(.*) index.php [L]
RewriteRule ^kirby/(.*) index.php [L]

# Anything that is not an existing file or folder is a page.
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule ^(.*) index.php [L]

</IfModule>

# No folder listings.
Options -Indexes

# Pass the Authorization header on to PHP (needed by Kirby's API).
SetEnvIf Authorization "(.+)" HTTP_AUTHORIZATION=$1
"""


def composer_json(site_title: str) -> str:
    package = slugify(site_title, fallback="site")
    data = {
        "name": f"kirby-gen/{package}",
        "description": f"{site_title} — a Kirby site",
        "type": "project",
        "require": {
            "php": "~8.2.0 || ~8.3.0 || ~8.4.0 || ~8.5.0",
            "getkirby/cms": "^5.0",
        },
        "config": {
            "allow-plugins": {"getkirby/composer-installer": True},
            "optimize-autoloader": True,
        },
        "scripts": {
            "start": [
                "Composer\\Config::disableProcessTimeout",
                "@php -S localhost:8000 kirby/router.php",
            ]
        },
    }
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def readme(site_title: str) -> str:
    return f"""# {site_title}

A website built on [Kirby](https://getkirby.com) 5, a flat-file CMS: the content lives in
`content/` as text files, the page types in `site/blueprints/`, the HTML in `site/templates/`.

## Requirements

PHP 8.2 or newer with the extensions Kirby needs. On Debian or Ubuntu:

```sh
sudo apt-get install php-cli php-mbstring php-xml php-curl php-gd php-intl
```

and [Composer](https://getcomposer.org) to install Kirby itself.

## Install Kirby

Kirby's core is not part of this folder. Install it once:

```sh
composer install
```

This places Kirby in `kirby/` (and its helpers in `vendor/`). Without Composer, download a
Kirby 5 release from <https://github.com/getkirby/kirby/releases> and unpack it into `kirby/`.

## Run the site

```sh
php -S localhost:8000 kirby/router.php
```

(or `composer start`), then open <http://localhost:8000>.

The folder `media/` must be writable: Kirby publishes files and thumbnails there.

## Edit the content

Open <http://localhost:8000/panel>. On the first visit Kirby asks you to create the first
admin account (this only works on your own machine, not on a public server). After that every
page, text and image can be edited in the Panel, or directly in the files under `content/`.

## Put it online

Any host with PHP 8.2+ works: upload the whole folder including `kirby/`. Apache reads the
included `.htaccess`; on nginx, send every request that is not an existing file to
`index.php` and deny access to `content/`, `site/` and `kirby/`. A Kirby licence is needed
for a public site: <https://getkirby.com/buy>.
"""

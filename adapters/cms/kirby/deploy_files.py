"""The files that let a generated Kirby site deploy itself: a Dockerfile (PHP with the
extensions Kirby needs, Apache, Kirby's core from Composer), a start script that keeps what
Kirby writes on a persistent disk, and a Render Blueprint (``render.yaml``) declaring the
web service with that disk.

Without the disk, everything edited in the Panel would vanish at the next deploy: a
container's files are rebuilt from the image. So ``content/``, ``media/``, ``site/accounts/``
and ``site/sessions/`` live on the disk; the first start seeds it with the content the image
was built with, and later deploys never overwrite it.
"""

from __future__ import annotations

import yaml

from adapters.cms.kirby.naming import slugify

PHP_IMAGE = "php:8.3-apache"
DATA_DIR = "/var/www/data"
DISK_NAME = "kirby-data"
# What Kirby writes while it runs; kept on the disk.
WRITABLE_DIRS = ("content", "media", "site/accounts", "site/sessions")
# Kirby 5's required extensions, and the ones it uses for images, translations and zips.
PHP_EXTENSIONS = (
    "ctype", "curl", "dom", "fileinfo", "filter", "hash", "iconv", "json", "libxml",
    "mbstring", "openssl", "SimpleXML", "gd", "intl", "zip",
)  # fmt: skip
# Built into the image by docker-php-ext-install (the rest come with the official image).
BUILT_EXTENSIONS = ("gd", "intl", "zip", "opcache", "exif")


def dockerfile() -> str:
    wanted = ", ".join(f'"{e}"' for e in PHP_EXTENSIONS)
    return f"""# The Kirby site in a container: PHP with the extensions Kirby needs, Apache with
# Kirby's .htaccess rules, and Kirby's core installed by Composer (getkirby/cms ^5).
FROM {PHP_IMAGE}

RUN apt-get update \\
 && apt-get install -y --no-install-recommends \\
      libicu-dev libpng-dev libjpeg62-turbo-dev libfreetype6-dev libwebp-dev libzip-dev unzip \\
 && docker-php-ext-configure gd --with-freetype --with-jpeg --with-webp \\
 && docker-php-ext-install -j"$(nproc)" {" ".join(BUILT_EXTENSIONS)} \\
 && a2enmod rewrite headers \\
 && rm -rf /var/lib/apt/lists/*

# A missing extension fails the build rather than the first visit.
RUN php -r '$missing = array_filter([{wanted}], fn ($e) => !extension_loaded($e)); \\
  if ($missing) {{ fwrite(STDERR, "missing: " . implode(", ", $missing) . "\\n"); exit(1); }}'

COPY --from=composer:2 /usr/bin/composer /usr/bin/composer

# Apache reads .htaccess (Kirby's rewrites) and listens on $PORT, which Render sets.
ENV PORT=10000 KIRBY_DATA={DATA_DIR}
RUN sed -ri 's/AllowOverride None/AllowOverride All/g' /etc/apache2/apache2.conf \\
 && sed -ri 's/^Listen 80$/Listen ${{PORT}}/' /etc/apache2/ports.conf \\
 && sed -ri 's/<VirtualHost \\*:80>/<VirtualHost *:${{PORT}}>/' \\
      /etc/apache2/sites-available/000-default.conf

WORKDIR /var/www/html
COPY composer.json ./
RUN composer install --no-dev --optimize-autoloader --no-interaction --no-progress
COPY . .
RUN chmod +x docker/start.sh && chown -R www-data:www-data /var/www/html

CMD ["docker/start.sh"]
"""


def start_script() -> str:
    dirs = " ".join(WRITABLE_DIRS)
    return f"""#!/bin/sh
# What Kirby writes (content edited in the Panel, media, accounts, sessions) lives on the
# persistent disk at $KIRBY_DATA, so it survives deploys. The first start seeds the disk with
# the content this image was built with; later starts keep what is on the disk.
set -eu
data="${{KIRBY_DATA:-{DATA_DIR}}}"
cd /var/www/html
for dir in {dirs}; do
  target="$data/$dir"
  if [ ! -d "$target" ]; then
    mkdir -p "$target"
    if [ -d "$dir" ]; then cp -a "$dir/." "$target/"; fi
  fi
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  ln -s "$target" "$dir"
done
chown -R www-data:www-data "$data"
exec apache2-foreground
"""


DOCKERIGNORE = """# Installed in the image by Composer, or written by Kirby at runtime (on the disk)
kirby/
vendor/
media/
site/accounts/
site/sessions/
site/cache/
.kirbygen/
.git/
"""


def render_yaml(site_title: str) -> str:
    """A Render Blueprint (current spec: ``runtime``, not the legacy ``env``) for the site."""
    service = {
        "type": "web",
        "name": slugify(site_title, fallback="kirby-site"),
        "runtime": "docker",
        # Disks need a paid instance type; starter is the smallest.
        "plan": "starter",
        "dockerfilePath": "./Dockerfile",
        "dockerContext": ".",
        "healthCheckPath": "/",
        "envVars": [{"key": "KIRBY_DATA", "value": DATA_DIR}],
        "disk": {"name": DISK_NAME, "mountPath": DATA_DIR, "sizeGB": 1},
    }
    header = (
        "# Render Blueprint: the Kirby site as a Docker web service whose disk keeps content/,\n"
        "# media/, site/accounts/ and site/sessions/ across deploys (see docker/start.sh).\n"
    )
    return header + yaml.safe_dump({"services": [service]}, sort_keys=False)


README_SECTION = f"""
## Deploy it with Docker or on Render

The folder carries a `Dockerfile` (PHP with the extensions Kirby needs, Apache, Kirby's core
installed by Composer) and a Render Blueprint, `render.yaml`. On Render, push the folder to a
git repository and create a Blueprint from it: the site runs as a web service with a 1 GB
disk mounted at `{DATA_DIR}`, which holds `content/`, `media/`, `site/accounts/` and
`site/sessions/`. The first start copies the content into it; after that, what is edited in the
Panel stays there across deploys (a new deploy of this folder does not overwrite it). Without
a disk every Panel edit would be lost at the next deploy.

Locally: `docker build -t site . && docker run -p 8080:10000 -v site-data:{DATA_DIR} site`.

### Licence

Kirby is free to try on your own machine, but a site that is online for the public needs a
Kirby licence for its domain, bought by the site's owner: <https://getkirby.com/license>
and <https://getkirby.com/buy>. Register it in the Panel (Settings → Register) once the site
is live. Kirby-Gen does not include or provide a licence.
"""


def deploy_files(site_title: str) -> dict[str, str]:
    return {
        "Dockerfile": dockerfile(),
        ".dockerignore": DOCKERIGNORE,
        "docker/start.sh": start_script(),
        "render.yaml": render_yaml(site_title),
    }

<?php

/**
 * Reads (and, asked to, edits) a Kirby site through Kirby's own classes and prints JSON.
 *
 *   php kirby_probe.php SITE inspect          every page, file and blueprint as Kirby sees them
 *   php kirby_probe.php SITE update EDITS     EDITS: a JSON file {"page id": {field: value}}
 *   php kirby_probe.php SITE admin EMAIL PW   creates an admin account (as the Panel installer)
 *
 * SITE is a copy of a generated site with Kirby's core in SITE/kirby. Errors of one page or
 * blueprint are collected, never fatal, so one run reports everything that is wrong.
 */

use Kirby\Cms\App;
use Kirby\Cms\Blueprint;
use Kirby\Cms\File;
use Kirby\Cms\ModelWithContent;
use Kirby\Cms\Page;
use Kirby\Content\Field;
use Kirby\Form\Form;

error_reporting(E_ALL);
set_error_handler(function (int $level, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $level, $file, $line);
});

[$script, $root, $command] = array_pad($argv, 3, null);
if ($root === null || $command === null) {
    fwrite(STDERR, "usage: php kirby_probe.php SITE inspect|update EDITS|admin EMAIL PASSWORD\n");
    exit(2);
}

require $root . '/kirby/bootstrap.php';
$kirby = new App(['roots' => ['index' => $root]]);

function failure(Throwable $error): string
{
    return get_class($error) . ': ' . $error->getMessage();
}

/** A field's value the way a template reads it, by the Kirby field type of the blueprint. */
function typed(Field $field, string $type): mixed
{
    if ($field->isEmpty()) {
        return null;
    }
    return match ($type) {
        'number', 'range' => $field->toFloat(),
        'toggle' => $field->toBool(),
        'tags', 'multiselect', 'checkboxes' => $field->split(','),
        'entries', 'structure', 'object' => $field->yaml(),
        'blocks' => array_map(
            fn ($block) => ['type' => $block->type(), 'content' => $block->content()->toArray()],
            array_values($field->toBlocks()->data())
        ),
        'files' => array_values($field->toFiles()->map(fn ($file) => $file->filename())->data()),
        'pages' => array_values($field->toPages()->map(fn ($page) => $page->uuid()->id())->data()),
        default => $field->value(),
    };
}

/** Loads a model's blueprint with every section and field, and its form with its errors. */
function judge(ModelWithContent $model): array
{
    $result = ['blueprint' => null, 'sections' => [], 'form_errors' => [], 'typed' => []];
    try {
        $blueprint = $model->blueprint();
        $result['blueprint'] = $blueprint->name();
        foreach ($blueprint->sections() as $name => $section) {
            try {
                $section->toArray();
            } catch (Throwable $error) {
                $result['sections'][$name] = failure($error);
            }
        }
        $form = Form::for($model);
        foreach ($form->errors() as $name => $error) {
            $result['form_errors'][$name] = $error['message'] ?? $error;
        }
        foreach ($blueprint->fields() as $name => $props) {
            $result['typed'][$name] = typed($model->content()->get($name), $props['type'] ?? 'text');
        }
    } catch (Throwable $error) {
        $result['error'] = failure($error);
    }
    return $result;
}

function describe_page(Page $page): array
{
    $files = [];
    foreach ($page->files() as $file) {
        $files[] = [
            'filename' => $file->filename(),
            'template' => $file->template(),
            'mime' => $file->mime(),
            'content' => $file->content()->toArray(),
        ] + judge($file);
    }
    return [
        'id' => $page->id(),
        'uuid' => $page->uuid()?->id(),
        'url' => $page->url(),
        'title' => $page->title()->value(),
        'status' => $page->status(),
        'template' => $page->intendedTemplate()->name(),
        'is_home' => $page->isHomePage(),
        'is_error' => $page->isErrorPage(),
        'content' => $page->content()->toArray(),
        'files' => $files,
    ] + judge($page);
}

function inspect(App $kirby, string $root): array
{
    $kirby->impersonate('kirby');
    $pages = [];
    foreach ($kirby->site()->index(true) as $page) {
        $pages[] = describe_page($page);
    }
    // Blueprints no page uses yet must load too: the Panel offers them when creating pages.
    $blueprints = [];
    foreach (glob($root . '/site/blueprints/pages/*.yml') as $path) {
        $name = basename($path, '.yml');
        try {
            $probe = Page::factory(['slug' => 'probe-' . $name, 'template' => $name]);
            $blueprint = Blueprint::factory('pages/' . $name, null, $probe);
            $blueprint?->sections();
            $blueprints[$name] = null;
        } catch (Throwable $error) {
            $blueprints[$name] = failure($error);
        }
    }
    return [
        'site' => ['title' => $kirby->site()->title()->value()] + judge($kirby->site()),
        'pages' => $pages,
        'blueprints' => $blueprints,
    ];
}

function update(App $kirby, string $editsPath): array
{
    $kirby->impersonate('kirby');
    $edits = json_decode(file_get_contents($editsPath), true, 512, JSON_THROW_ON_ERROR);
    $written = [];
    foreach ($edits as $id => $values) {
        $page = $kirby->page($id) ?? $kirby->site()->index(true)->find($id);
        if ($page === null) {
            throw new RuntimeException('No page ' . $id);
        }
        $page = $page->update($values);
        $written[$id] = $page->contentFile();
    }
    return ['written' => $written];
}

function admin(App $kirby, string $email, string $password): array
{
    $kirby->impersonate('kirby');
    $user = $kirby->users()->create([
        'email' => $email,
        'password' => $password,
        'role' => 'admin',
        'language' => 'en',
    ]);
    return ['id' => $user->id()];
}

$result = match ($command) {
    'inspect' => inspect($kirby, $root),
    'update' => update($kirby, $argv[3]),
    'admin' => admin($kirby, $argv[3], $argv[4]),
    default => throw new InvalidArgumentException('Unknown command ' . $command),
};
echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);

  </main>
  <footer class="site-footer">
    <p>&copy; <?= date('Y') ?> <?= $site->title()->esc() ?></p>
  </footer>
</body>
</html>

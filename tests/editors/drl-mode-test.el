;;; drl-mode-test.el --- ERT tests for editors/emacs/drl-mode.el -*- lexical-binding: t -*-

;;; Commentary:

;; Run (run.sh does) with
;;   emacs -Q --batch -l editors/emacs/drl-mode.el \
;;         -l tests/editors/drl-mode-test.el -f ert-run-tests-batch-and-exit
;; Faces are checked at the positions listed in expected.tsv (shared with
;; the Vim and TextMate tests), indentation on indent-bad.drl against
;; indent-good.drl, plus comment syntax and the mode setup.

;;; Code:

(require 'ert)
(require 'drl-mode)

(defconst drl-test-dir
  (file-name-directory (or load-file-name buffer-file-name))
  "Directory of this file (tests/editors).")

(defconst drl-test-faces
  '(("keyword" . font-lock-keyword-face)
    ("region-role" . drl-region-role-face)
    ("resource-attribute" . drl-resource-attribute-face)
    ("type" . font-lock-type-face)
    ("property" . drl-property-name-face)
    ("declaration" . font-lock-variable-name-face)
    ("macro-def" . font-lock-function-name-face)
    ("macro-call" . drl-macro-call-face)
    ("builtin" . font-lock-builtin-face)
    ("pseudo" . drl-pseudo-parameter-face)
    ("boolean" . font-lock-constant-face)
    ("null" . font-lock-constant-face)
    ("number" . drl-number-face)
    ("string" . font-lock-string-face)
    ("nested-string" . font-lock-string-face)
    ("escape" . drl-escape-face)
    ("interp-begin" . drl-interpolation-face)
    ("interp-end" . drl-interpolation-face)
    ("interp-body" . nil)
    ("comment" . font-lock-comment-face)
    ("block-comment" . font-lock-comment-face)
    ("doc-comment" . font-lock-doc-face)
    ("plain" . nil))
  "Expected face for each category of expected.tsv.")

(defun drl-test-read (name)
  "Contents of the file NAME in `drl-test-dir'."
  (with-temp-buffer
    (insert-file-contents (expand-file-name name drl-test-dir))
    (buffer-string)))

(defmacro drl-test-with-buffer (text &rest body)
  "Run BODY in a `drl-mode' buffer holding TEXT, fontified."
  (declare (indent 1))
  `(with-temp-buffer
     (insert ,text)
     (drl-mode)
     (font-lock-ensure)
     (goto-char (point-min))
     ,@body))

(defun drl-test-face-at (pos)
  "The face at POS; the comment delimiter face counts as comment face."
  (let ((face (get-text-property pos 'face)))
    (if (eq face 'font-lock-comment-delimiter-face)
        'font-lock-comment-face
      face)))

(defun drl-test-pos (line col)
  "Buffer position of LINE and COL (both 1-based)."
  (save-excursion
    (goto-char (point-min))
    (forward-line (1- line))
    (+ (point) (1- col))))

(ert-deftest drl-mode-faces-at-expected-positions ()
  "Every position of expected.tsv has its category's face."
  (let ((rows (split-string (drl-test-read "expected.tsv") "\n" t))
        (failures nil) (count 0))
    (drl-test-with-buffer (drl-test-read "sample.drl")
      (dolist (row rows)
        (unless (string-prefix-p "#" row)
          (pcase-let* ((`(,l ,c ,cat ,text) (split-string row "\t"))
                       (pos (drl-test-pos (string-to-number l)
                                          (string-to-number c)))
                       (want (cdr (assoc cat drl-test-faces)))
                       (got (drl-test-face-at pos)))
            (setq count (1+ count))
            (unless (assoc cat drl-test-faces)
              (push (format "unknown category %s" cat) failures))
            (unless (equal (buffer-substring-no-properties
                            pos (min (point-max) (+ pos (length text))))
                           text)
              (push (format "%s:%s does not start with %S" l c text) failures))
            (unless (equal got want)
              (push (format "%s:%s %S (%s): want %S, got %S"
                            l c text cat want got)
                    failures))))))
    (should (> count 100))
    (should (equal (reverse failures) nil))))

(ert-deftest drl-mode-interpolation-differs-from-string ()
  "The ${ } of an interpolation and its expression are not string text."
  (drl-test-with-buffer "x = \"a ${upper(\"b ${c} d\")} e\"\n"
    (search-forward "a ")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-string-face))
    (should (eq (get-text-property (point) 'face) 'drl-interpolation-face))
    (search-forward "upper")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-builtin-face))
    (search-forward "\"b")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-string-face))
    (search-forward "${c")
    (should (eq (get-text-property (1- (point)) 'face) nil))
    (search-forward "d\")}")
    (should (eq (get-text-property (1- (point)) 'face) 'drl-interpolation-face))
    (search-forward " e")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-string-face))
    ;; For Emacs the whole outer string is one string.
    (should (nth 3 (syntax-ppss (1- (point)))))
    (end-of-line)
    (should-not (nth 3 (syntax-ppss)))))

(ert-deftest drl-mode-escaped-dollar-is-not-interpolation ()
  "\\${ is an escape followed by plain string text."
  (drl-test-with-buffer "s = \"a \\${b} c\" // done\n"
    (search-forward "\\$")
    (should (eq (get-text-property (1- (point)) 'face) 'drl-escape-face))
    (should (eq (get-text-property (point) 'face) 'font-lock-string-face))
    (search-forward "b")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-string-face))
    (search-forward "// d")
    (should (nth 4 (syntax-ppss)))))

(ert-deftest drl-mode-refontifies-after-edits ()
  "Typing an interpolation into a string, and removing it, updates faces."
  (drl-test-with-buffer "x = \"a b\" // c\ny = 1\n"
    (search-forward "a ")
    (insert "${\"}\"}")                 ; a string holding } inside ${ }
    (font-lock-ensure)
    (goto-char (point-min))
    (search-forward "${")
    (should (eq (get-text-property (1- (point)) 'face) 'drl-interpolation-face))
    (should (eq (get-text-property (point) 'face) 'font-lock-string-face))
    (search-forward "\"}\"")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-string-face))
    (should (eq (get-text-property (point) 'face) 'drl-interpolation-face))
    (search-forward "// c")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-comment-face))
    ;; Remove the ${...}: back to plain string text.
    (goto-char (point-min))
    (search-forward "${")
    (delete-region (- (point) 2) (+ (point) 4))
    (font-lock-ensure)
    (goto-char (point-min))
    (search-forward "a")
    (should (equal (buffer-substring-no-properties (point-min) (line-end-position))
                   "x = \"a b\" // c"))
    (should (eq (get-text-property (1+ (point)) 'face) 'font-lock-string-face))
    (should (null (get-text-property (1+ (point)) 'drl-part)))))

(ert-deftest drl-mode-comment-syntax ()
  "// and /* */ are comments, also for the comment commands."
  (drl-test-with-buffer "a = 1 // one \"q\"\n/* two\n \"three\" */ b = \"//x\"\n"
    (search-forward "one")
    (should (nth 4 (syntax-ppss)))
    (search-forward "q")
    (should (nth 4 (syntax-ppss)))
    (should-not (nth 3 (syntax-ppss)))
    (search-forward "three")
    (should (nth 4 (syntax-ppss)))
    (search-forward "b =")
    (should-not (nth 4 (syntax-ppss)))
    (search-forward "//")
    (should (nth 3 (syntax-ppss)))
    (should-not (nth 4 (syntax-ppss)))
    (should (equal comment-start "// "))
    (should (equal comment-end "")))
  ;; comment-region / uncomment-region use //.
  (drl-test-with-buffer "a = 1\nb = 2\n"
    (comment-region (point-min) (point-max))
    (should (equal (buffer-string) "// a = 1\n// b = 2\n"))
    (uncomment-region (point-min) (point-max))
    (should (equal (buffer-string) "a = 1\nb = 2\n"))))

(ert-deftest drl-mode-unterminated-string-stops-at-eol ()
  "An unterminated string does not swallow the following lines."
  (drl-test-with-buffer "a = \"open\nb = true\n"
    (search-forward "b =")
    (should-not (nth 3 (syntax-ppss)))
    (search-forward "true")
    (should (eq (get-text-property (1- (point)) 'face) 'font-lock-constant-face))))

(ert-deftest drl-mode-indent-region ()
  "indent-region turns indent-bad.drl into indent-good.drl."
  (let ((want (drl-test-read "indent-good.drl")))
    (drl-test-with-buffer (drl-test-read "indent-bad.drl")
      (should (= drl-indent-offset 2))
      (indent-region (point-min) (point-max))
      (let ((got (split-string (buffer-string) "\n"))
            (exp (split-string want "\n"))
            (diffs nil) (n 1))
        (while (or got exp)
          (unless (equal (car got) (car exp))
            (push (format "line %d: want %S, got %S" n (car exp) (car got)) diffs))
          (setq got (cdr got) exp (cdr exp) n (1+ n)))
        (should (equal (reverse diffs) nil))))))

(ert-deftest drl-mode-setup ()
  "auto-mode-alist, parent mode and buffer settings."
  (should (eq (assoc-default "x/stack.drl" auto-mode-alist #'string-match)
              'drl-mode))
  (with-temp-buffer
    (drl-mode)
    (should (derived-mode-p 'prog-mode))
    (should (eq indent-line-function #'drl-indent-line))
    (should-not indent-tabs-mode)))

(provide 'drl-mode-test)

;;; drl-mode-test.el ends here

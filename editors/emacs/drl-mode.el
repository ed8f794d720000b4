;;; drl-mode.el --- Major mode for DRL, the drlc deployment language -*- lexical-binding: t -*-

;; Author: drlc project
;; Version: 1.0
;; Package-Requires: ((emacs "25.1"))
;; Keywords: languages
;; URL: see the drlc README

;;; Commentary:

;; Editing support for `.drl' programs, which drlc compiles to
;; CloudFormation: syntax highlighting, comments and indentation.
;;
;; Install: put this file on `load-path' and add
;;   (require 'drl-mode)
;; to your init file (or use `autoload').  Files ending in .drl then
;; open in `drl-mode'.
;;
;; Highlighting categories are the ones of the Vim and VS Code support
;; (see editors/README.md).  Strings may contain ${ expr } interpolations
;; whose expression may itself hold strings and { } objects; the
;; interpolation ends at the } matching its ${.  The expression is
;; highlighted as code, its ${ and } with `drl-interpolation-face'.

;;; Code:

(defgroup drl nil
  "Major mode for DRL, the drlc deployment language."
  :group 'languages
  :prefix "drl-")

(defcustom drl-indent-offset 2
  "Columns of indentation per open ( [ { in DRL code."
  :type 'integer
  :safe #'integerp)

;;;; Faces

(defface drl-region-role-face
  '((t :inherit font-lock-preprocessor-face))
  "Face for region roles: primary, secondary, region \"...\".")

(defface drl-resource-attribute-face
  '((t :inherit font-lock-keyword-face :slant italic))
  "Face for resource attributes such as depends_on and deletion_policy.")

(defface drl-property-name-face
  '((t :inherit font-lock-variable-name-face))
  "Face for property names (PascalCase keys followed by =).")

(defface drl-macro-call-face
  '((t :inherit font-lock-function-name-face))
  "Face for the name of a called macro.")

(defface drl-pseudo-parameter-face
  '((t :inherit font-lock-constant-face :slant italic))
  "Face for pseudo parameters such as region, account and suffix.")

(defface drl-number-face
  '((t :inherit font-lock-constant-face))
  "Face for numbers.")

(defface drl-escape-face
  '((t :inherit font-lock-regexp-grouping-backslash))
  "Face for escape sequences in strings.")

(defface drl-interpolation-face
  '((t :inherit font-lock-preprocessor-face :weight bold))
  "Face for the ${ and } around an interpolation in a string.")

;;;; Syntax table

(defvar drl-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; // line comments (style b), /* */ block comments (style a).
    (modify-syntax-entry ?/ ". 124b" st)
    (modify-syntax-entry ?* ". 23" st)
    (modify-syntax-entry ?\n "> b" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (modify-syntax-entry ?' "." st)
    (modify-syntax-entry ?_ "_" st)
    (dolist (c '(?$ ?= ?! ?? ?: ?+ ?- ?% ?& ?| ?. ?, ?< ?>))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table for `drl-mode'.")

;;;; Strings and interpolation
;;
;; A string is scanned by `drl--scan-string'.  `drl-syntax-propertize'
;; gives the quotes of strings nested in an interpolation punctuation
;; syntax, so that for Emacs the whole outer string is one string (and a
;; // or { inside it is not code), and marks each character of a string
;; with the text property `drl-part': nil for plain string text, `escape',
;; `delim' (the ${ and }), `code' (the expression) or `string' (a string
;; inside an expression).  Font lock then paints the parts.

(defconst drl--escape-re
  "\\\\\\(?:[\"\\\\/ntr$]\\|u{[[:xdigit:]]\\{1,6\\}}\\)"
  "A valid escape sequence.")

(defun drl--scan-string (start)
  "Scan the string whose opening quote is at START.
Return (END CLOSED QUOTES PARTS): END is after the closing quote (or
the end of line), CLOSED is non-nil when the string was closed, QUOTES
the positions of quotes of nested strings, PARTS a list of (BEG END KIND)."
  (let ((pos (1+ start))
        (eol (save-excursion (goto-char start) (line-end-position)))
        ;; Innermost first; t = in a string, N = in ${ } with N open braces.
        (stack (list t))
        quotes parts)
    (while (and stack (< pos eol))
      (let ((c (char-after pos))
            (top (car stack)))
        (cond
         ((eq top t)                    ; inside a string
          (cond
           ((eq c ?\\)
            (let ((len (save-excursion
                         (goto-char pos)
                         (if (looking-at drl--escape-re)
                             (- (match-end 0) pos)
                           0))))
              (when (> len 0)
                (push (list pos (+ pos len) 'escape) parts))
              (setq pos (+ pos (max len 2)))))
           ((eq c ?\")
            (pop stack)
            (when stack
              (push pos quotes)
              (push (list pos (1+ pos) 'string) parts))
            (setq pos (1+ pos)))
           ((and (eq c ?$) (eq (char-after (1+ pos)) ?{))
            (push (list pos (+ pos 2) 'delim) parts)
            (push 0 stack)
            (setq pos (+ pos 2)))
           (t
            (when (cdr stack)
              (push (list pos (1+ pos) 'string) parts))
            (setq pos (1+ pos)))))
         (t                             ; inside ${ }
          (cond
           ((eq c ?\")
            (push pos quotes)
            (push (list pos (1+ pos) 'string) parts)
            (push t stack))
           ((eq c ?{)
            (setcar stack (1+ top))
            (push (list pos (1+ pos) 'code) parts))
           ((and (eq c ?}) (= top 0))
            (pop stack)
            (push (list pos (1+ pos) 'delim) parts))
           ((eq c ?})
            (setcar stack (1- top))
            (push (list pos (1+ pos) 'code) parts))
           (t (push (list pos (1+ pos) 'code) parts)))
          (setq pos (1+ pos))))))
    (list (min pos eol) (null stack) quotes (drl--merge-parts parts))))

(defun drl--merge-parts (parts)
  "Join adjacent PARTS (a reversed list of (BEG END KIND)) of one kind."
  (let (out)
    (dolist (p parts)
      (let ((next (car out)))
        (if (and next (eq (nth 2 next) (nth 2 p)) (= (nth 1 p) (car next))
                 (not (eq (nth 2 p) 'delim)))
            (setcar out (list (car p) (nth 1 next) (nth 2 p)))
          (push p out))))
    out))

(defun drl-syntax-propertize (start end)
  "Apply string syntax and `drl-part' properties between START and END."
  (goto-char start)
  (remove-text-properties start end '(drl-part nil))
  (while (re-search-forward "\"" end t)
    (let ((open (match-beginning 0)))
      (unless (nth 8 (save-excursion (syntax-ppss open)))
        (pcase-let ((`(,str-end ,closed ,quotes ,parts) (drl--scan-string open)))
          (dolist (q quotes)
            (put-text-property q (1+ q) 'syntax-table (string-to-syntax ".")))
          (unless closed
            ;; Unterminated: end the string at the end of the line.
            (put-text-property open (1+ open) 'syntax-table (string-to-syntax "|"))
            (when (< str-end (point-max))
              (put-text-property str-end (1+ str-end)
                                 'syntax-table (string-to-syntax "|"))))
          (dolist (p parts)
            (put-text-property (nth 0 p) (nth 1 p) 'drl-part (nth 2 p)))
          (goto-char (max (point) (if closed str-end (min (1+ str-end) end)))))))))

(defun drl--fontify-string-parts (limit)
  "Font-lock matcher: paint the `drl-part's of strings up to LIMIT.
Always returns nil: it does its own painting."
  (let ((pos (point)))
    (while (< pos limit)
      (let ((kind (get-text-property pos 'drl-part))
            (next (next-single-property-change pos 'drl-part nil limit)))
        (when kind
          (put-text-property
           pos next 'face
           (pcase kind
             ('escape 'drl-escape-face)
             ('delim 'drl-interpolation-face)
             ('string 'font-lock-string-face)
             (_ nil))))
        (setq pos next))))
  nil)

;;;; Font lock

(defconst drl--ident "[A-Za-z_][A-Za-z0-9_]*")

(defconst drl--builtins
  '("sub" "join" "split" "select" "base64" "get_azs" "import_value"
    "find_in_map" "if" "cidr" "ref" "file" "lower" "upper" "len" "keys"
    "range"))

(defconst drl--pseudo-parameters
  '("region" "account" "partition" "stack_name" "stack_id" "url_suffix"
    "suffix" "regions" "no_value"))

(defconst drl--attributes
  '("depends_on" "deletion_policy" "update_replace_policy" "metadata"
    "condition"))

(defconst drl--type-re
  (concat drl--ident "\\(?:::" drl--ident "\\)+\\(?:<[^>\n]*>\\)?")
  "A resource type: AWS::Service::Type or Custom::Thing.")

(defun drl--search (regexp limit pred)
  "Search for REGEXP before LIMIT where PRED (called after the match) holds."
  (let ((case-fold-search nil) found)
    (while (and (not found) (re-search-forward regexp limit t))
      (setq found (funcall pred))
      (unless found
        ;; Matches may overlap (e.g. "x-1": "-1" is refused, "1" is not).
        (goto-char (1+ (match-beginning 0)))))
    found))

(defun drl--not-assigned ()
  "Non-nil unless the match is followed by = (but not ==)."
  (not (looking-at-p "[ \t]*=\\(?:[^=]\\|$\\)")))

(defun drl--assigned ()
  "Non-nil when the match is followed by = (but not ==)."
  (looking-at-p "[ \t]*=\\(?:[^=]\\|$\\)"))

(defun drl--match-attribute (limit)
  "Match a resource attribute key before LIMIT."
  (drl--search (concat "\\_<" (regexp-opt drl--attributes) "\\_>")
               limit #'drl--assigned))

(defun drl--match-pseudo (limit)
  "Match a pseudo parameter (not used as a key) before LIMIT."
  (drl--search (concat "\\_<" (regexp-opt drl--pseudo-parameters) "\\_>")
               limit #'drl--not-assigned))

(defun drl--match-property (limit)
  "Match a PascalCase property name followed by = before LIMIT."
  (drl--search "\\_<[A-Z][A-Za-z0-9_]*\\_>" limit #'drl--assigned))

(defun drl--match-if-keyword (limit)
  "Match `if' used as a statement (not the if() builtin) before LIMIT."
  (drl--search "\\_<if\\_>" limit
               (lambda () (not (looking-at-p "[ \t]*(")))))

(defun drl--match-number (limit)
  "Match a number literal before LIMIT."
  (drl--search "-?[0-9]+\\(?:\\.[0-9]+\\)?\\(?:[eE][-+]?[0-9]+\\)?" limit
               (lambda ()
                 (let ((b (match-beginning 0)))
                   (and (not (memq (char-before b) '(?_ ?.)))
                        (not (and (char-before b)
                                  (string-match-p "[[:alnum:]]"
                                                  (string (char-before b)))))
                        (not (looking-at-p "[A-Za-z0-9_]")))))))

(defvar drl-font-lock-keywords
  `(;; Strings: interpolations, escapes, nested strings.
    (drl--fontify-string-parts)
    ;; Declarations.
    (,(concat "\\_<\\(param\\)[ \t]+\\(" drl--ident "\\)[ \t]*\\(?::[ \t]*\\("
              drl--ident "\\(?:::" drl--ident "\\)*\\(?:<[^>\n]*>\\)?\\)\\)?")
     (1 font-lock-keyword-face)
     (2 font-lock-variable-name-face)
     (3 font-lock-type-face nil t))
    (,(concat "\\_<\\(let\\)[ \t]+\\(" drl--ident "\\)[ \t]*(")
     (1 font-lock-keyword-face)
     (2 font-lock-function-name-face))
    (,(concat "\\_<\\(let\\|resource\\|output\\|condition\\)[ \t]+\\("
              drl--ident "\\)")
     (1 font-lock-keyword-face)
     (2 font-lock-variable-name-face))
    (,(concat "\\_<\\(macro\\)[ \t]+\\(" drl--ident "\\)")
     (1 font-lock-keyword-face)
     (2 font-lock-function-name-face))
    ("^[ \t]*\\(regions\\)[ \t]*{" 1 font-lock-keyword-face)
    ;; Region roles.
    ("\\_<\\(?:primary\\|secondary\\)\\_>" . 'drl-region-role-face)
    ("\\_<\\(region\\)[ \t]*\"" 1 'drl-region-role-face)
    ;; Resource attributes, keywords.
    (drl--match-attribute . 'drl-resource-attribute-face)
    (,(concat "\\_<"
              (regexp-opt '("use" "stack" "param" "let" "resource" "output"
                            "condition" "macro" "for" "in" "else" "by_region"))
              "\\_>")
     . font-lock-keyword-face)
    (drl--match-if-keyword . font-lock-keyword-face)
    ;; Calls: builtins, then any other name( is a macro call.
    (,(concat "\\_<\\(" (regexp-opt drl--builtins) "\\)[ \t]*(")
     1 font-lock-builtin-face)
    (,(concat "\\_<\\(" drl--ident "\\)[ \t]*(") 1 'drl-macro-call-face)
    ;; Constants and names.
    ("\\_<\\(?:true\\|false\\|null\\)\\_>" . font-lock-constant-face)
    (drl--match-pseudo . 'drl-pseudo-parameter-face)
    (drl--match-property . 'drl-property-name-face)
    (,drl--type-re . font-lock-type-face)
    (drl--match-number . 'drl-number-face))
  "Font-lock keywords for `drl-mode'.")

(defun drl--syntactic-face (state)
  "Face for the string or comment described by STATE."
  (cond
   ((nth 3 state) font-lock-string-face)
   ((save-excursion
      (goto-char (nth 8 state))
      (looking-at-p "///\\(?:[^/]\\|$\\)"))
    font-lock-doc-face)
   (t font-lock-comment-face)))

;;;; Indentation

(defun drl--anchor-indentation (open)
  "Indentation of the line where the expression holding OPEN starts.
That is the line of OPEN, or when that line starts inside brackets
closed before OPEN (a continued argument list), the line of those."
  (save-excursion
    (let ((depth (car (syntax-ppss open)))
          (state nil))
      (goto-char open)
      (beginning-of-line)
      (setq state (syntax-ppss))
      (while (and (> (car state) depth) (nth 1 state))
        (goto-char (nth 1 state))
        (beginning-of-line)
        (setq state (syntax-ppss)))
      (current-indentation))))

(defun drl--continuation-indentation ()
  "Indentation for a line continuing an assignment, or nil.
The previous line of code ending in = continues on this line."
  (save-excursion
    (beginning-of-line)
    (forward-comment (- (point)))
    (when (and (eq (char-before) ?=)
               (not (memq (char-before (1- (point))) '(?= ?! ?< ?>))))
      (+ (current-indentation) drl-indent-offset))))

(defun drl-calculate-indentation ()
  "Column for the current line, or nil inside a block comment.
A line inside ( [ { is indented `drl-indent-offset' more than the
line where the expression holding the innermost open bracket starts,
or lines up with the first item after that bracket when one follows
it on its line.  A line starting with a closer lines up with the line
of its opener; a line after one ending in = is indented once more."
  (save-excursion
    (back-to-indentation)
    (let ((ppss (save-excursion (syntax-ppss (line-beginning-position)))))
      (cond
       ((nth 4 ppss) nil)
       ((looking-at-p "[])}]")
        (let ((open (nth 1 (syntax-ppss))))
          (if open (drl--anchor-indentation open) 0)))
       ((drl--continuation-indentation))
       ((nth 1 ppss)
        (let ((open (nth 1 ppss)))
          (goto-char (1+ open))
          (skip-chars-forward " \t")
          (if (or (eolp) (looking-at-p "//\\|/\\*"))
              (+ (drl--anchor-indentation open) drl-indent-offset)
            (current-column))))
       (t 0)))))

(defun drl-indent-line ()
  "Indent the current line as DRL code."
  (interactive)
  (let ((col (drl-calculate-indentation)))
    (if (null col)
        'noindent
      (if (<= (current-column) (current-indentation))
          (indent-line-to col)
        (save-excursion (indent-line-to col))))))

;;;; Mode

;;;###autoload
(define-derived-mode drl-mode prog-mode "DRL"
  "Major mode for editing DRL programs (drlc).

\\{drl-mode-map}"
  :syntax-table drl-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)[ \t]*")
  (setq-local comment-end-skip "[ \t]*\\*+/")
  (setq-local comment-multi-line t)
  (setq-local syntax-propertize-function #'drl-syntax-propertize)
  (setq-local font-lock-defaults
              '(drl-font-lock-keywords
                nil nil nil nil
                (font-lock-syntactic-face-function . drl--syntactic-face)))
  (setq-local indent-line-function #'drl-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars
              (append '(?\} ?\] ?\)) electric-indent-chars)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.drl\\'" . drl-mode))

(provide 'drl-mode)

;;; drl-mode.el ends here

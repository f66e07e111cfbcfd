"""The lark grammar of the ``.pram`` language (documented in docs/pram.md).

Kept as a Python string so it ships inside the package without data-file configuration.
Newlines are insignificant; ``;`` may separate statements but is never required.
"""

#: Words that can never be variable names (the header words may be, e.g. a local called `time`).
KEYWORDS = (
    "mod", "div", "and", "or", "not", "if", "then", "elif", "else", "end", "while", "do", "for",
    "in", "pardo", "begin", "skip",
)

_GRAMMAR = r"""
start: "program" NAME header* "begin" stmts "end"

?header: "model" MODEL                        -> h_model
       | "word" INT                           -> h_word
       | "param" NAME ("," NAME)*             -> h_param
       | ROLE array_decl ("," array_decl)*    -> h_arrays
       | "processors" expr                    -> h_processors
       | "time" expr                          -> h_time
       | "memory" expr                        -> h_memory

array_decl: NAME "[" expr "]"                 -> sized_array
          | NAME                              -> named_array

stmts: (stmt | ";")*

?stmt: NAME ASSIGN expr                                   -> assign
     | NAME "[" expr "]" ASSIGN expr                      -> store
     | "if" expr "then" stmts elifs else_part "end"       -> if_stmt
     | "while" expr "do" stmts "end"                      -> while_stmt
     | "for" NAME "in" expr ".." expr "do" stmts "end"    -> for_stmt
     | "for" NAME "in" expr ".." expr "pardo" stmts "end" -> pardo_stmt
     | "skip"                                             -> skip_stmt

elifs: elif_part*
elif_part: "elif" expr "then" stmts
else_part: ("else" stmts)?

?expr: or_expr
?or_expr: and_expr ("or" and_expr)*           -> or_chain
?and_expr: not_expr ("and" not_expr)*         -> and_chain
?not_expr: "not" not_expr                     -> not_op
         | comparison
?comparison: sum (COMPARE sum)?               -> compare
?sum: product (ADDOP product)*                -> arith_chain
?product: unary (MULOP unary)*                -> arith_chain
?unary: "-" unary                             -> neg
      | power
?power: atom ("^" unary)?                     -> power
?atom: INT                                    -> number
     | NAME "[" expr "]"                      -> index
     | NAME "(" expr ("," expr)* ")"          -> call
     | NAME                                   -> name
     | "(" expr ")"

ASSIGN: ":=" | "<-" | "\u2190"
COMPARE: "==" | "!=" | "<>" | "<=" | ">=" | "<" | ">" | "=" | "\u2260" | "\u2264" | "\u2265"
ADDOP: "+" | "-"
MULOP: "//" | "/" | "*" | "%" | "\u00d7" | "mod" | "div"
MODEL: /CRCW-(common|arbitrary|priority|sum|min|max)\b/ | /EREW\b/ | /CREW\b/
ROLE: /(input|output|inout|shared)\b/
NAME: /(?!(@KEYWORDS@)\b)[A-Za-z][A-Za-z0-9_']*/
INT: /[0-9]+/
COMMENT: /#[^\n]*/

%import common.WS
%ignore WS
%ignore COMMENT
"""

GRAMMAR = _GRAMMAR.replace("@KEYWORDS@", "|".join(KEYWORDS))

// The TRS paging helper real sites load from a script file; the call sits inline in each list
// page: createPageHTML(pages, current, "index", "html") -> index.html, index_1.html, ...
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var name = function (i) { return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; };
  if (_nCurrIndex > 0) {
    document.write('<a href="' + name(0) + '">首页</a> <a href="' + name(_nCurrIndex - 1) + '">上一页</a> ');
  }
  if (_nCurrIndex < _nPageCount - 1) {
    document.write('<a href="' + name(_nCurrIndex + 1) + '">下一页</a> <a href="' + name(_nPageCount - 1) + '">尾页</a>');
  }
  document.write(' 共' + _nPageCount + '页');
}
